//! The policy, exactly as documented, on hand-made tags.

use std::time::Duration;

use super::*;
use crate::catalog::{Original, RepoRef, Tag};

fn at(day: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(day * 86_400).unwrap()
}

fn tag(name: &str, day: i64, digest: &str) -> Tag {
    let mut t = Tag::new(
        RepoRef::new("team", "app").unwrap(),
        name,
        Original::Derived,
    );
    t.updated = Some(at(day));
    t.digest = Some(digest.to_owned());
    t.size = Some(100);
    t
}

fn planned(policy: &Policy, tags: Vec<Tag>) -> (Vec<String>, Vec<String>) {
    let repo = RepoRef::new("team", "app").unwrap();
    let plan = plan_tags(policy, "test", repo, tags, at(100));
    let pick = |action| {
        plan.entries
            .iter()
            .filter(|e| e.action == action)
            .map(|e| e.tag.clone())
            .collect()
    };
    (pick(Action::Delete), pick(Action::Keep))
}

#[test]
fn keep_last_ranks_newest_first_with_ties_by_name() {
    let tags = vec![
        tag("b", 50, "d1"),
        tag("a", 50, "d2"),
        tag("c", 90, "d3"),
        tag("latest", 10, "d4"),
        tag("old", 1, "d5"),
    ];
    // Scope: a, b, c, old (latest is kept by name). Ranked: c, a, b, old.
    let (delete, keep) = planned(&Policy::keep_last(2), tags);
    assert_eq!(delete, ["b", "old"]);
    assert!(keep.is_empty());
}

#[test]
fn older_than_and_keep_last_both_must_hold() {
    let tags = vec![
        tag("new", 99, "d1"),
        tag("mid", 80, "d2"),
        tag("old", 10, "d3"),
    ];
    let policy = Policy::keep_last(1).with_older_than(Duration::from_secs(30 * 86_400));
    assert_eq!(planned(&policy, tags.clone()).0, ["old"]);
    let policy = Policy::older_than(Duration::from_secs(5 * 86_400));
    assert_eq!(planned(&policy, tags).0, ["mid", "old"]);
}

#[test]
fn match_and_keep_bound_the_scope() {
    let tags = vec![
        tag("ci-1", 1, "d1"),
        tag("ci-2", 2, "d2"),
        tag("v1.0", 3, "d3"),
        tag("ci-keep", 0, "d4"),
    ];
    let policy = Policy::keep_last(0)
        .with_match(Pattern::new("^ci-").unwrap())
        .with_keep(Some(Pattern::new("keep").unwrap()));
    assert_eq!(planned(&policy, tags).0, ["ci-2", "ci-1"]);
}

#[test]
fn a_digest_a_staying_tag_holds_is_left_unless_allowed() {
    let tags = vec![
        tag("v2", 90, "same"),
        tag("v1", 10, "same"),
        tag("v0", 5, "other"),
    ];
    let (delete, keep) = planned(&Policy::keep_last(1), tags.clone());
    assert_eq!(
        (delete, keep),
        (vec!["v0".to_owned()], vec!["v1".to_owned()])
    );
    let allowed = Policy::keep_last(1).with_shared_digest(true);
    assert_eq!(planned(&allowed, tags).0, ["v1", "v0"]);
}

#[test]
fn bytes_count_each_digest_once() {
    let tags = vec![
        tag("new", 90, "n"),
        tag("a", 10, "x"),
        tag("b", 9, "x"),
        tag("c", 8, "y"),
    ];
    let repo = RepoRef::new("team", "app").unwrap();
    let plan = plan_tags(&Policy::keep_last(1), "test", repo, tags, at(100));
    assert_eq!(plan.deletes().count(), 3);
    assert_eq!(plan.bytes, Some(200));
}

#[test]
fn a_policy_without_a_rule_is_refused() {
    let mut policy = Policy::keep_last(1);
    policy.keep_last = None;
    let e = policy.check().unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("--keep-last"), "{e}");
    assert!(
        Pattern::new("(")
            .unwrap_err()
            .to_string()
            .contains("regular expression")
    );
}

#[test]
fn a_plan_reads_back_and_bad_lines_are_named() {
    let policy = Policy::keep_last(0);
    let header = PlanHeader::new("test", &policy);
    let mut writer = PlanWriter::new(Vec::new(), &header).unwrap();
    let repo = RepoRef::new("team", "app").unwrap();
    let plan = plan_tags(&policy, "test", repo, vec![tag("a", 1, "d")], at(100));
    writer.entry(&plan.entries[0]).unwrap();
    let text = writer.finish().unwrap();
    let read = read_plan(text.as_slice()).unwrap();
    assert_eq!(read.header, header);
    assert_eq!(read.entries, vec![(2, plan.entries[0].clone())]);

    // An entry that does not read is named by its line.
    let entry_lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    let mut broken = entry_lines[..2].concat();
    broken.extend_from_slice(b"{\"action\":\"delete\"}\n");
    broken.extend_from_slice(entry_lines[2]);
    let e = read_plan(broken.as_slice()).unwrap_err();
    assert!(e.to_string().contains("plan line 3"), "{e}");
    // Cut short anywhere before its closing line, it is refused whole.
    for cut in [&entry_lines[..1], &entry_lines[..2]] {
        let e = read_plan(cut.concat().as_slice()).unwrap_err();
        assert!(e.to_string().contains("cut short"), "{e}");
    }
    // A closing line that counts otherwise, or a line after it.
    let mut miscounted = entry_lines[..1].concat();
    miscounted.extend_from_slice(entry_lines[2]);
    let e = read_plan(miscounted.as_slice()).unwrap_err();
    assert!(e.to_string().contains("counts 1 entries, and 0"), "{e}");
    let mut after = text.clone();
    after.extend_from_slice(entry_lines[1]);
    let e = read_plan(after.as_slice()).unwrap_err();
    assert!(
        e.to_string().contains("after the plan's closing line"),
        "{e}"
    );
    let e = read_plan(&b""[..]).unwrap_err();
    assert!(e.to_string().contains("empty"), "{e}");
}
