//! Property: whatever object decodes, encodes back to the same JSON value —
//! nulls, unknown fields, and undocumented fields of unexpected types included.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use wharf_model::{
    GetRepoImageResponse, ListNamespacesResponse, NamespaceAuth, OfficialImage, RepositoryInfo,
    RepositoryTag,
};

const REPOSITORY_KEYS: &[&str] = &[
    "name",
    "category",
    "description",
    "size",
    "is_public",
    "num_images",
    "num_download",
    "created_at",
    "updated_at",
    "url",
    "path",
    "internal_path",
    "domain_name",
    "namespace",
    "tags",
    "logo",
    "status",
    "total_range",
    "brand_new",
    "x",
];

const ENVELOPE_KEYS: &[&str] = &[
    "RetCode",
    "Action",
    "Message",
    "TotalCount",
    "ImageSet",
    "Extra",
];

/// Values of every JSON type, biased toward ones the fields accept.
fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0u64..2_000_000_000).prop_map(Value::from),
        (-5i64..0).prop_map(Value::from),
        prop_oneof![
            Just("2017-09-12 10:33:22"),
            Just("2017-09-11T03:00:02.542841141Z"),
            Just("1505212402"),
            Just("linux"),
            Just("quantum"),
            Just(""),
            Just("0"),
            Just("ünïcode"),
        ]
        .prop_map(Value::from),
        prop::collection::vec("[a-z]{0,4}", 0..3).prop_map(|v| json!(v)),
        Just(json!({"nested": [1, null]})),
    ]
}

fn object(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop::collection::btree_map(prop::sample::select(keys), value(), 0..keys.len()).prop_map(
        |fields| {
            Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<Map<_, _>>(),
            )
        },
    )
}

fn a_full_repository() -> Value {
    json!({
        "name": "nginx", "category": "linux", "description": "", "size": 1, "is_public": false,
        "num_images": 2, "num_download": 0, "created_at": "2017-01-01T00:00:00Z",
        "updated_at": "2017-09-12 10:33:22", "path": "p", "internal_path": "i",
        "domain_name": "d", "namespace": "n", "tags": ["latest"]
    })
}

proptest! {
    #[test]
    fn repositories_round_trip(extra in object(REPOSITORY_KEYS)) {
        // Start from a valid repository and overwrite fields at random.
        let mut input = a_full_repository();
        input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        if let Ok(repo) = serde_json::from_value::<RepositoryInfo>(input.clone()) {
            prop_assert_eq!(serde_json::to_value(&repo).unwrap(), input);
        }
    }

    #[test]
    fn official_images_round_trip(extra in object(&["id", "user", "name", "namespace", "total_range", "last_updated", "z"])) {
        let mut input = json!({
            "id": 1, "user": "official", "namespace": "library", "description": "d",
            "star_count": 1, "pull_count": 2, "collection_id": 0, "last_updated": "2017-10-16 21:33:44"
        });
        input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        if let Ok(image) = serde_json::from_value::<OfficialImage>(input.clone()) {
            prop_assert_eq!(serde_json::to_value(&image).unwrap(), input);
        }
    }

    #[test]
    fn uhub_envelopes_round_trip(input in object(ENVELOPE_KEYS)) {
        if let Ok(response) = serde_json::from_value::<GetRepoImageResponse>(input.clone()) {
            prop_assert_eq!(serde_json::to_value(&response).unwrap(), input);
        }
    }
}

#[test]
fn undocumented_fields_of_another_type_do_not_fail_the_page() {
    let mut input = a_full_repository();
    input["status"] = json!(1);
    input["total_range"] = json!("105");
    let repo: RepositoryInfo = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(repo.status, None);
    assert_eq!(repo.extra["status"], 1);
    assert_eq!(serde_json::to_value(&repo).unwrap(), input);
}

#[test]
fn repeated_keys_are_refused_even_after_a_null() {
    let text = r#"{"name":"a","logo":null,"logo":"x"}"#;
    let err = serde_json::from_str::<RepositoryInfo>(text).unwrap_err();
    assert!(
        err.to_string().starts_with("duplicate field `logo`"),
        "{err}"
    );
    let text = r#"{"RetCode":0,"Message":null,"Message":"x"}"#;
    let err = serde_json::from_str::<GetRepoImageResponse>(text).unwrap_err();
    assert!(
        err.to_string().starts_with("duplicate field `Message`"),
        "{err}"
    );
    let text = r#"{"RetCode":0,"RetCode":1}"#;
    assert!(serde_json::from_str::<GetRepoImageResponse>(text).is_err());
}

#[test]
fn a_missing_required_field_is_named() {
    let mut input = a_full_repository();
    input.as_object_mut().unwrap().remove("namespace");
    let err = serde_json::from_value::<RepositoryInfo>(input).unwrap_err();
    assert_eq!(err.to_string(), "missing field `namespace`");
}

const TAG_KEYS: &[&str] = &[
    "id",
    "repo_id",
    "Tag",
    "tag",
    "image_id",
    "manifest",
    "digest",
    "schema",
    "size",
    "is_trusted",
    "created",
    "updated",
    "deleted",
    "domain_id",
    "scanned",
    "tag_type",
    "brand_new",
];

fn a_full_tag() -> Value {
    json!({
        "id": 4, "repo_id": 3, "Tag": "v1", "image_id": "93d5", "manifest": "{\"schemaVersion\":2}",
        "digest": "sha256:b9f7", "schema": 2,
        "path": "swr.cn-north-4.myhuaweicloud.com/team/busybox:v1",
        "internal_path": "10.125.0.198:20202/team/busybox:v1", "size": 2091,
        "is_trusted": false, "created": "2019-07-25T06:15:20.062574Z",
        "updated": "2019-07-25 06:15:20", "deleted": null, "domain_id": "d0", "scanned": false,
        "tag_type": 0
    })
}

proptest! {
    #[test]
    fn repository_tags_round_trip(extra in object(TAG_KEYS)) {
        let mut input = a_full_tag();
        input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        if let Ok(tag) = serde_json::from_value::<RepositoryTag>(input.clone()) {
            prop_assert_eq!(serde_json::to_value(&tag).unwrap(), input);
        }
    }

    #[test]
    fn namespace_lists_round_trip(
        item in object(&["id", "name", "creator_name", "auth", "other"]),
        outer in object(&["namespaces", "total"]),
    ) {
        let mut namespace = json!({"id": 1, "name": "team", "creator_name": "me", "auth": 7});
        namespace.as_object_mut().unwrap().extend(item.as_object().unwrap().clone());
        let mut input = json!({"namespaces": [namespace]});
        input.as_object_mut().unwrap().extend(outer.as_object().unwrap().clone());
        if let Ok(list) = serde_json::from_value::<ListNamespacesResponse>(input.clone()) {
            prop_assert_eq!(serde_json::to_value(&list).unwrap(), input);
        }
    }
}

/// `deleted` is documented as a string; a live tag may carry `null`, `""`
/// or Go's zero time. Each decodes and encodes back as it came.
#[test]
fn every_plausible_deleted_round_trips() {
    for (deleted, typed) in [
        (json!(null), false),
        (json!(""), false),
        (json!("0001-01-01T00:00:00Z"), true),
        (json!("2019-07-25T06:15:20Z"), true),
        (json!("2019-07-25 06:15:20"), true),
        (json!(0), true),
    ] {
        let mut input = a_full_tag();
        input["deleted"] = deleted.clone();
        let tag: RepositoryTag = serde_json::from_value(input.clone()).unwrap();
        assert_eq!(tag.deleted.is_some(), typed, "{deleted}");
        assert_eq!(tag.extra.contains_key("deleted"), !typed, "{deleted}");
        assert_eq!(serde_json::to_value(&tag).unwrap(), input, "{deleted}");
    }
    let mut input = a_full_tag();
    input.as_object_mut().unwrap().remove("deleted");
    let tag: RepositoryTag = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(serde_json::to_value(&tag).unwrap(), input);
}

#[test]
fn the_tag_name_is_capitalised_on_the_wire() {
    let tag: RepositoryTag = serde_json::from_value(a_full_tag()).unwrap();
    assert_eq!(tag.tag, "v1");
    assert_eq!(tag.created.instant().subsec_nanosecond(), 62_574_000);
    assert_eq!(tag.updated.instant().as_second(), 1_564_035_320);
    let text = serde_json::to_string(&tag).unwrap();
    assert!(text.contains(r#""Tag":"v1""#), "{text}");
    // A lowercase `tag` is another field, kept as such.
    let mut input = a_full_tag();
    input["tag"] = json!("other");
    let tag: RepositoryTag = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(
        (tag.tag.as_str(), &tag.extra["tag"]),
        ("v1", &json!("other"))
    );
    input.as_object_mut().unwrap().remove("Tag");
    let err = serde_json::from_value::<RepositoryTag>(input).unwrap_err();
    assert_eq!(err.to_string(), "missing field `Tag`");
}

#[test]
fn namespace_auth_keeps_any_number() {
    let text = r#"{"namespaces":[{"id":1422,"name":"team","creator_name":"me","auth":7},{"id":2,"name":"b","creator_name":"","auth":5}]}"#;
    let list: ListNamespacesResponse = serde_json::from_str(text).unwrap();
    assert_eq!(list.namespaces[0].auth, NamespaceAuth::MANAGE);
    assert_eq!(list.namespaces[1].auth, NamespaceAuth(5));
    assert_eq!(serde_json::to_string(&list).unwrap(), text);
    let err = serde_json::from_str::<ListNamespacesResponse>("{}").unwrap_err();
    assert!(
        err.to_string().starts_with("missing field `namespaces`"),
        "{err}"
    );
}
