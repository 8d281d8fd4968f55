//! `/api/groups`: the account's groups, groups made through the API, and one group by id
//! (read, renamed, deleted — one JWT sync made like any other; a group still named by a
//! user's auto groups or by the JWT allow list is not deleted, and the answer says where).

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
    let name = free_name(&state, &request, None)?;
    let group = GroupRecord {
        id: random_id(20),
        name: name.to_string(),
        issued: GroupIssued::Api,
    };
    state.store.insert_group(&group)?;
    Ok(Json(Group::empty(group.id, group.name, GroupIssued::Api)))
}

/// The name a request gives a group: trimmed, present, and no other group's (`except` is
/// the group being renamed).
fn free_name(
    state: &Services,
    request: &GroupRequest,
    except: Option<&str>,
) -> Result<String, ApiError> {
    let name = request.name.trim();
    if name.is_empty() {
        return Err(ApiError::unprocessable("group name is required"));
    }
    let taken = state
        .store
        .groups()?
        .iter()
        .any(|g| g.name == name && Some(g.id.as_str()) != except);
    if taken {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "group with this name already exists",
        ));
    }
    Ok(name.to_string())
}

fn existing_group(state: &Services, id: &str) -> Result<GroupRecord, ApiError> {
    state
        .store
        .group(id)?
        .ok_or_else(|| ApiError::not_found("group"))
}

/// `GET /api/groups/{id}`.
pub(crate) async fn get_group(
    State(state): State<Services>,
    _: Reader,
    Path(id): Path<String>,
) -> Result<Json<Group>, ApiError> {
    let group = existing_group(&state, &id)?;
    Ok(Json(Group::empty(group.id, group.name, group.issued)))
}

/// `PUT /api/groups/{id}`: the group's name (peers and resources are not this server's).
pub(crate) async fn update_group(
    State(state): State<Services>,
    _: Writer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Group>, ApiError> {
    let request: GroupRequest = parse_json(&headers, &body)?;
    let group = existing_group(&state, &id)?;
    let name = free_name(&state, &request, Some(&id))?;
    state.store.rename_group(&id, &name)?;
    Ok(Json(Group::empty(group.id, name, group.issued)))
}

/// `DELETE /api/groups/{id}`: refused (400, saying where) while anything names the group.
pub(crate) async fn delete_group(
    State(state): State<Services>,
    _: Writer,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let group = existing_group(&state, &id)?;
    let members: Vec<String> = state
        .store
        .users()?
        .into_iter()
        .filter(|user| user.auto_groups.contains(&group.id))
        .map(|user| user.email)
        .collect();
    let allow = crate::groups::load_sync(&state.store)?.allow;
    if let Some(why) = crate::groups::still_named(&group.name, &members, &allow) {
        return Err(ApiError::bad_request(why));
    }
    state.store.delete_group(&id)?;
    Ok(StatusCode::OK)
}
