//! A resource codec that keeps the JSON it wrote for a value the server
//! sends again.
//!
//! Every resource a page reads on the server goes into the page as JSON for
//! the browser to hydrate from. For the calendar that is the month's 40 KB
//! of entries, written anew on every request (serializing it was 7.5 % of a
//! calendar request in perf), although the month changes only when someone
//! plans something. `KeptJson` writes `{"Ok": …}` once per value and hands
//! out that text again while the value stays equal (compared with `==`, so
//! the text is never older than the value). Reading is plain `serde_json`.

use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};

/// The codec: `Resource::<_, KeptJson>::new_with_options(…)`.
pub struct KeptJson;

/// A value whose JSON the server keeps, in the cache it names.
pub trait KeepsJson: Serialize + PartialEq + Clone + Send + Sync + 'static {
    fn kept() -> &'static JsonCache<Self>;
}

/// The last few values of one type and the JSON each was written as.
pub struct JsonCache<V> {
    #[cfg(feature = "ssr")]
    kept: std::sync::Mutex<std::collections::VecDeque<(V, String)>>,
    #[cfg(not(feature = "ssr"))]
    kept: std::marker::PhantomData<V>,
}

/// How many values of each type are kept (months and filters people look
/// at).
#[cfg(feature = "ssr")]
const KEPT: usize = 8;

impl<V> JsonCache<V> {
    pub const fn new() -> Self {
        Self {
            #[cfg(feature = "ssr")]
            kept: std::sync::Mutex::new(std::collections::VecDeque::new()),
            #[cfg(not(feature = "ssr"))]
            kept: std::marker::PhantomData,
        }
    }
}

impl<V> Default for JsonCache<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: KeepsJson> JsonCache<V> {
    /// `{"Ok": value}`, as serde writes `Ok(value)`.
    #[cfg(feature = "ssr")]
    fn ok_json(&self, value: &V) -> Result<String, serde_json::Error> {
        use std::sync::PoisonError;
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, json)) = kept.iter().find(|(v, _)| v == value) {
            return Ok(json.clone());
        }
        drop(kept);
        let json = serde_json::to_string(&Ok::<&V, ()>(value))?;
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= KEPT {
            kept.pop_front();
        }
        kept.push_back((value.clone(), json.clone()));
        Ok(json)
    }

    #[cfg(not(feature = "ssr"))]
    fn ok_json(&self, value: &V) -> Result<String, serde_json::Error> {
        serde_json::to_string(&Ok::<&V, ()>(value))
    }
}

impl<V: KeepsJson, E: Serialize + 'static> Encoder<Result<V, E>> for KeptJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &Result<V, E>) -> Result<String, serde_json::Error> {
        match val {
            Ok(value) => V::kept().ok_json(value),
            Err(_) => serde_json::to_string(val),
        }
    }
}

impl<T: DeserializeOwned> Decoder<T> for KeptJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str(val)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[derive(Clone, PartialEq, Serialize, serde::Deserialize, Debug)]
    struct Month {
        days: Vec<String>,
    }

    impl KeepsJson for Month {
        fn kept() -> &'static JsonCache<Self> {
            static KEPT: JsonCache<Month> = JsonCache::new();
            &KEPT
        }
    }

    #[test]
    fn writes_what_serde_writes_and_keeps_it_for_an_equal_value() {
        let month = Ok::<_, String>(Month {
            days: vec!["1 \"Dec\"".into()],
        });
        let json = <KeptJson as Encoder<_>>::encode(&month).unwrap();
        assert_eq!(json, serde_json::to_string(&month).unwrap());
        assert_eq!(
            <KeptJson as Encoder<_>>::encode(&month.clone()).unwrap(),
            json
        );
        assert_eq!(Month::kept().kept.lock().unwrap().len(), 1);
        let back: Result<Month, String> = <KeptJson as Decoder<_>>::decode(&json).unwrap();
        assert_eq!(back, month);

        let other = Ok::<_, String>(Month {
            days: vec!["2 Dec".into()],
        });
        assert_eq!(
            <KeptJson as Encoder<_>>::encode(&other).unwrap(),
            serde_json::to_string(&other).unwrap()
        );
        let error = Err::<Month, _>("no".to_string());
        assert_eq!(
            <KeptJson as Encoder<_>>::encode(&error).unwrap(),
            r#"{"Err":"no"}"#
        );
    }
}
