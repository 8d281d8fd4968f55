//! `/api/groups`: the account's groups, and groups made through the API.

use super::*;

pub(crate) async fn list_groups(
    State(state): State<Services>,
    _: Reader,
) -> Result<Json<Vec<Group>>, ApiError> {
    let groups = state
        .store
        .groups()?
        .into_iter()
        .map(|g| Group::empty(g.id, g.name, g.issued))
        .collect();
    Ok(Json(groups))
}

/// `POST /api/groups`: a group made through the API (`issued: "api"`).
pub(crate) async fn create_group(
    State(state): State<Services>,
    _: Writer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Group>, ApiError> {
    let request: GroupRequest = parse_json(&headers, &body)?;
    let name = request.name.trim();
    if name.is_empty() {
        return Err(ApiError::unprocessable("group name is required"));
    }
    if state.store.groups()?.iter().any(|g| g.name == name) {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "group with this name already exists",
        ));
    }
    let group = GroupRecord {
        id: random_id(20),
        name: name.to_string(),
        issued: GroupIssued::Api,
    };
    state.store.insert_group(&group)?;
    Ok(Json(Group::empty(group.id, group.name, GroupIssued::Api)))
}
