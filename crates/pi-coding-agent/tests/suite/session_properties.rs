//! Property tests: random sequences of session operations keep the tree's invariants, and the
//! context always follows the path rules (checked against a small model of them).

use std::path::Path;

use pi_coding_agent::session::{NewSessionOptions, SessionManager};
use proptest::prelude::*;

use super::session_support::{assistant, text_of, user};

#[derive(Debug, Clone)]
enum Op {
    User(u8),
    Assistant(u8),
    Thinking,
    Label(usize),
    Branch(usize),
    ResetLeaf,
    BranchSummary(Option<usize>, bool),
    Compaction(Option<usize>, u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => any::<u8>().prop_map(Op::User),
        4 => any::<u8>().prop_map(Op::Assistant),
        1 => Just(Op::Thinking),
        1 => any::<usize>().prop_map(Op::Label),
        2 => any::<usize>().prop_map(Op::Branch),
        1 => Just(Op::ResetLeaf),
        1 => (proptest::option::of(any::<usize>()), any::<bool>())
            .prop_map(|(at, empty)| Op::BranchSummary(at, empty)),
        1 => (proptest::option::of(any::<usize>()), any::<u8>())
            .prop_map(|(kept, n)| Op::Compaction(kept, n)),
    ]
}

/// What the model knows of an entry.
#[derive(Debug, Clone)]
enum Kind {
    Message(String),
    Compaction { summary: String, first_kept: String },
    BranchSummary(String),
    State,
}

#[derive(Debug, Clone)]
struct Entry {
    id: String,
    parent: Option<String>,
    kind: Kind,
}

#[derive(Default)]
struct Model {
    entries: Vec<Entry>,
    leaf: Option<String>,
}

impl Model {
    fn pick(&self, n: usize) -> Option<String> {
        (!self.entries.is_empty()).then(|| self.entries[n % self.entries.len()].id.clone())
    }

    fn add(&mut self, id: String, kind: Kind) {
        self.entries.push(Entry {
            id: id.clone(),
            parent: self.leaf.clone(),
            kind,
        });
        self.leaf = Some(id);
    }

    fn path(&self) -> Vec<&Entry> {
        let mut path = Vec::new();
        let mut current = self.leaf.clone();
        while let Some(id) = current {
            let entry = self.entries.iter().find(|e| e.id == id).unwrap();
            path.push(entry);
            current = entry.parent.clone();
        }
        path.reverse();
        path
    }

    /// The context texts by pi's rules.
    fn context(&self) -> Vec<String> {
        let path = self.path();
        let contribution = |entry: &Entry| match &entry.kind {
            Kind::Message(text) => vec![text.clone()],
            Kind::BranchSummary(summary) if !summary.is_empty() => vec![summary.clone()],
            Kind::Compaction { summary, .. } => vec![summary.clone()],
            _ => Vec::new(),
        };
        let Some(at) = path
            .iter()
            .rposition(|e| matches!(e.kind, Kind::Compaction { .. }))
        else {
            return path.iter().flat_map(|e| contribution(e)).collect();
        };
        let Kind::Compaction {
            summary,
            first_kept,
        } = &path[at].kind
        else {
            unreachable!()
        };
        let mut texts = vec![summary.clone()];
        let start = path[..at].iter().position(|e| &e.id == first_kept);
        if let Some(start) = start {
            for entry in &path[start..at] {
                if !matches!(entry.kind, Kind::Compaction { .. }) {
                    texts.extend(contribution(entry));
                }
            }
        }
        for entry in &path[at + 1..] {
            texts.extend(contribution(entry));
        }
        texts
    }
}

fn apply(session: &mut SessionManager, model: &mut Model, op: &Op) {
    match op {
        Op::User(n) => {
            let text = format!("user {n}");
            let id = session.append_message(&user(&text)).unwrap();
            model.add(id, Kind::Message(text));
        }
        Op::Assistant(n) => {
            let text = format!("assistant {n}");
            let id = session.append_message(&assistant(&text)).unwrap();
            model.add(id, Kind::Message(text));
        }
        Op::Thinking => {
            let id = session.append_thinking_level_change("high").unwrap();
            model.add(id, Kind::State);
        }
        Op::Label(n) => {
            if let Some(target) = model.pick(*n) {
                let id = session.append_label_change(&target, Some("mark")).unwrap();
                model.add(id, Kind::State);
            }
        }
        Op::Branch(n) => {
            if let Some(target) = model.pick(*n) {
                session.branch(&target).unwrap();
                model.leaf = Some(target);
            }
        }
        Op::ResetLeaf => {
            session.reset_leaf();
            model.leaf = None;
        }
        Op::BranchSummary(at, empty) => {
            let target = at.and_then(|n| model.pick(n));
            let summary = if *empty {
                String::new()
            } else {
                format!("left {}", model.entries.len())
            };
            let id = session
                .branch_with_summary(target.as_deref(), &summary, None, None, None)
                .unwrap();
            model.leaf = target;
            model.add(id, Kind::BranchSummary(summary));
        }
        Op::Compaction(kept, n) => {
            let first_kept = kept.and_then(|k| model.pick(k));
            let summary = format!("compacted {n}");
            let id = session
                .append_compaction(&summary, first_kept.as_deref(), 1, None, None, None)
                .unwrap();
            let first_kept = first_kept.unwrap_or_else(|| id.clone());
            model.add(
                id,
                Kind::Compaction {
                    summary,
                    first_kept,
                },
            );
        }
    }
}

fn check(session: &SessionManager, model: &Model) -> Result<(), TestCaseError> {
    let entries = session.entries().unwrap();
    prop_assert_eq!(entries.len(), model.entries.len());
    for entry in &entries {
        if let Some(parent) = &entry.parent_id {
            prop_assert!(
                session.entry(parent).unwrap().is_some(),
                "dangling {}",
                parent
            );
        }
    }
    let branch = session.branch_entries(None).unwrap();
    prop_assert_eq!(branch.last().map(|e| e.id.as_str()), session.leaf_id());
    let expected_path: Vec<&str> = model.path().iter().map(|e| e.id.as_str()).collect();
    let path: Vec<&str> = branch.iter().map(|e| e.id.as_str()).collect();
    prop_assert_eq!(path, expected_path);
    let texts: Vec<String> = session
        .build_session_context()
        .unwrap()
        .messages
        .iter()
        .map(text_of)
        .collect();
    prop_assert_eq!(texts, model.context());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_operations_keep_the_tree_whole(ops in proptest::collection::vec(op(), 1..40)) {
        let mut session =
            SessionManager::in_memory(Path::new("/p"), NewSessionOptions::default()).unwrap();
        let mut model = Model::default();
        for op in &ops {
            apply(&mut session, &mut model, op);
            check(&session, &model)?;
        }
    }

    #[test]
    fn a_written_session_reads_back_the_same(ops in proptest::collection::vec(op(), 1..30)) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.jsonl");
        let mut session = SessionManager::open(&file, None, Some(Path::new("/p"))).unwrap();
        let mut model = Model::default();
        session.append_message(&assistant("start")).unwrap();
        model.add(session.leaf_id().unwrap().to_string(), Kind::Message("start".into()));
        for op in &ops {
            apply(&mut session, &mut model, op);
        }
        let written = session.entries().unwrap();
        drop(session);
        let reopened = SessionManager::open(&file, None, None).unwrap();
        prop_assert_eq!(reopened.entries().unwrap(), written);
        // On load the leaf is the last entry written.
        model.leaf = model.entries.last().map(|e| e.id.clone());
        check(&reopened, &model)?;
    }
}
