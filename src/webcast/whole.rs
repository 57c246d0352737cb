//! [`Whole`]: a whole schema message inside event data, serialised straight
//! from the decoded message with the protobuf JSON mapping (camelCase names,
//! 64-bit integers as strings, default values left out), with no
//! `serde_json::Value` tree built in between.
//!
//! Used by the spec's generic events (`rankData`, `pollData`, …), the types
//! added with TikTok-Live-Connector 2.5.0, and the `…Data` fields of battle,
//! barrage, goal and caption events. Reading an event back (the pretty
//! printer, tests) gives the [`Whole::Json`] form.

use prost_reflect::{DynamicMessage, SerializeOptions, Value as PValue};
use serde::ser::{Error as _, Impossible, SerializeMap};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::user::{CommonFields, IdText};

/// A whole message: decoded here, or read back from JSON.
#[derive(Debug, Clone)]
pub enum Whole {
    /// Decoded from a payload; serialises with the protobuf JSON mapping.
    Message(DynamicMessage),
    /// Read back from an event's JSON.
    Json(Value),
}

/// The JSON mapping options of every whole message: defaults left out.
fn options() -> SerializeOptions {
    SerializeOptions::new().skip_default_fields(true)
}

impl Whole {
    /// `common.msgId` and `common.createTime` (0 and "" when absent).
    pub fn common(&self) -> CommonFields {
        let (msg_id, create_time) = match self {
            Whole::Message(m) => {
                let common = m.get_field_by_name("common");
                let field = |name: &str| {
                    common
                        .as_deref()
                        .and_then(PValue::as_message)
                        .and_then(|c| c.get_field_by_name(name))
                        .and_then(|v| integer(&v))
                        .unwrap_or(0)
                };
                (field("msg_id"), field("create_time"))
            }
            Whole::Json(v) => {
                let field = |name: &str| {
                    v.get("common")
                        .and_then(|c| c.get(name))
                        .and_then(|f| match f {
                            Value::String(s) => s.parse().ok(),
                            other => other.as_i64(),
                        })
                        .unwrap_or(0)
                };
                (field("msgId"), field("createTime"))
            }
        };
        CommonFields {
            msg_id: if msg_id != 0 {
                IdText::Num(msg_id)
            } else {
                IdText::default()
            },
            create_time,
        }
    }

    /// As a JSON tree, for the few callers that reshape it.
    pub fn into_value(self) -> Value {
        match self {
            Whole::Json(v) => v,
            Whole::Message(m) => m
                .serialize_with_options(serde_json::value::Serializer, &options())
                .unwrap_or_else(|e| serde_json::json!({ "serializeError": e.to_string() })),
        }
    }

    /// Serialise the message's own fields as entries of the enclosing `map`
    /// (for data objects that are the message itself plus a few fields of
    /// ours). JSON read back that is not an object goes under `message`.
    pub fn serialize_fields_into<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match self {
            Whole::Message(m) => m.serialize_with_options(Merge(map), &options()),
            Whole::Json(Value::Object(fields)) => {
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                Ok(())
            }
            Whole::Json(other) => map.serialize_entry("message", other),
        }
    }
}

fn integer(v: &PValue) -> Option<i64> {
    match v {
        PValue::I64(n) => Some(*n),
        PValue::U64(n) => i64::try_from(*n).ok(),
        PValue::I32(n) => Some(i64::from(*n)),
        PValue::U32(n) => Some(i64::from(*n)),
        _ => None,
    }
}

impl Serialize for Whole {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Whole::Message(m) => m.serialize_with_options(s, &options()),
            Whole::Json(v) => v.serialize(s),
        }
    }
}

/// Through serde ([`super::json::write_value`]).
impl super::json::WriteJson for Whole {
    fn write_json(&self, out: &mut String) -> Result<(), super::json::JsonError> {
        super::json::write_value(out, self)
    }
}

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(Whole::Json)
    }
}

impl From<Value> for Whole {
    fn from(v: Value) -> Whole {
        Whole::Json(v)
    }
}

/// A serializer that accepts one map (a message, as prost-reflect writes it)
/// and writes its entries into an enclosing map.
struct Merge<'m, M>(&'m mut M);

impl<M: SerializeMap> SerializeMap for Merge<'_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), M::Error> {
        self.0.serialize_key(key)
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), M::Error> {
        self.0.serialize_value(value)
    }

    fn serialize_entry<K: ?Sized + Serialize, V: ?Sized + Serialize>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

/// The methods a message never calls: each is an error.
macro_rules! not_a_map {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ret, M::Error> {
            Err(M::Error::custom("a whole message serialises as a map"))
        })*
    };
}

impl<'m, M: SerializeMap> Serializer for Merge<'m, M> {
    type Ok = ();
    type Error = M::Error;
    type SerializeSeq = Impossible<(), M::Error>;
    type SerializeTuple = Impossible<(), M::Error>;
    type SerializeTupleStruct = Impossible<(), M::Error>;
    type SerializeTupleVariant = Impossible<(), M::Error>;
    type SerializeMap = Merge<'m, M>;
    type SerializeStruct = Impossible<(), M::Error>;
    type SerializeStructVariant = Impossible<(), M::Error>;

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, M::Error> {
        Ok(self)
    }

    not_a_map! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), M::Error> {
        Err(M::Error::custom("a whole message serialises as a map"))
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), M::Error> {
        Err(M::Error::custom("a whole message serialises as a map"))
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), M::Error> {
        Err(M::Error::custom("a whole message serialises as a map"))
    }
}
