//! JSON kept exactly as the server sent it, for fields this dashboard does not model but
//! must send back (a PUT replaces the whole object). A raw slice of the answer, not a
//! `serde_json::Value` tree: decoding it is a copy, and the wasm bundle carries none of
//! `Value`'s generic machinery (see the README's size table).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

#[derive(Debug, Clone)]
pub struct Kept(Box<RawValue>);

impl Kept {
    /// The JSON text as sent.
    pub fn json(&self) -> &str {
        self.0.get()
    }

    /// A value serialised to JSON (`None` if it cannot be, which no plain data does).
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Option<Kept> {
        serde_json::value::to_raw_value(value).ok().map(Kept)
    }

    /// Decode the kept JSON as `T`.
    pub fn decode<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Kept) -> bool {
        self.json() == other.json()
    }
}

impl Serialize for Kept {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Kept {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Kept, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(Kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text_as_sent_and_round_trips() {
        let kept: Kept = serde_json::from_str(r#" {"a": [1, 2.50, "x"]} "#).unwrap();
        assert_eq!(kept.json(), r#"{"a": [1, 2.50, "x"]}"#);
        assert_eq!(
            serde_json::to_string(&kept).unwrap(),
            r#"{"a": [1, 2.50, "x"]}"#
        );
        let from_value: Kept = serde_json::from_value(serde_json::json!({"b": true})).unwrap();
        assert_eq!(from_value.json(), r#"{"b":true}"#);
        assert_eq!(Kept::of(&7).unwrap().decode::<u32>().unwrap(), 7);
    }
}
