//! The machinery behind lossless response objects.
//!
//! `#[serde(flatten)]` would keep unknown fields, but not an explicit `null` in an
//! optional field (it becomes `None` and vanishes on encode), and it cannot keep
//! a field whose value has an unexpected type. The macro here writes the visitor
//! by hand instead: known keys go straight to their field, unknown keys into
//! `extra`, keys are borrowed from the input rather than copied, and a repeated
//! key is an error. It also runs a little faster than `flatten` (3 to 8% fewer
//! instructions, `docs/benchmarks.md`).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

/// A map key, borrowed from the input when the deserializer allows it.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    pub(crate) fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

/// Reads a [`Key`] without allocating when the input can lend it.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v))
    }
}

/// Declares a response object that keeps the fields it does not know.
///
/// Each field is `req` (must be present and not null), `opt` (may be missing or
/// null; an explicit `null` is kept in `extra` so it encodes back) or `loose`
/// (like `opt`, and a value of another type than expected is kept in `extra`
/// rather than failing the whole object: for fields the API does not document).
macro_rules! lossless_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $kind:ident $field:ident : $ty:ty = $json:literal,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$fmeta])*
                pub $field: lossless_struct!(@type $kind $ty),
            )*
            /// Fields this version of wharf does not know, kept so that encoding
            /// gives back what was decoded.
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                $( lossless_struct!(@ser map $kind self.$field, $json); )*
                for (key, value) in &self.extra {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;

                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a JSON object for ", stringify!($name)))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<$name, A::Error> {
                        $( let mut $field: Option<$ty> = None; )*
                        let mut extra = serde_json::Map::new();
                        while let Some(key) = access.next_key_seed($crate::lossless::KeySeed)? {
                            let name = key.as_str();
                            $(
                                if name == $json {
                                    if $field.is_some() || extra.contains_key($json) {
                                        return Err(serde::de::Error::duplicate_field($json));
                                    }
                                    lossless_struct!(@de access $kind $field extra $json $ty);
                                    continue;
                                }
                            )*
                            let value = access.next_value()?;
                            extra.insert(key.into_string(), value);
                        }
                        Ok($name {
                            $( $field: lossless_struct!(@finish $kind $field $json), )*
                            extra,
                        })
                    }
                }

                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };

    (@type req $ty:ty) => { $ty };
    (@type opt $ty:ty) => { Option<$ty> };
    (@type loose $ty:ty) => { Option<$ty> };

    (@ser $map:ident req $value:expr, $json:literal) => {
        $map.serialize_entry($json, &$value)?;
    };
    (@ser $map:ident $kind:ident $value:expr, $json:literal) => {
        if let Some(value) = &$value {
            $map.serialize_entry($json, value)?;
        }
    };

    (@de $access:ident req $field:ident $extra:ident $json:literal $ty:ty) => {
        $field = Some($access.next_value::<$ty>()?);
    };
    (@de $access:ident opt $field:ident $extra:ident $json:literal $ty:ty) => {
        match $access.next_value::<Option<$ty>>()? {
            Some(value) => $field = Some(value),
            None => {
                $extra.insert($json.to_owned(), serde_json::Value::Null);
            }
        }
    };
    (@de $access:ident loose $field:ident $extra:ident $json:literal $ty:ty) => {
        let value: serde_json::Value = $access.next_value()?;
        // Null first: a failed conversion builds an error message, which costs.
        let typed = match value.is_null() {
            true => None,
            false => <$ty as serde::Deserialize>::deserialize(&value).ok(),
        };
        match typed {
            Some(typed) => $field = Some(typed),
            None => {
                $extra.insert($json.to_owned(), value);
            }
        }
    };

    (@finish req $field:ident $json:literal) => {
        $field.ok_or_else(|| serde::de::Error::missing_field($json))?
    };
    (@finish $kind:ident $field:ident $json:literal) => {
        $field
    };
}

pub(crate) use lossless_struct;
