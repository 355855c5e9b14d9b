use std::path::Path;

use super::*;
use crate::interactive::theme::ColorMode;

#[test]
fn token_counts_are_written_compactly() {
    let cases = [
        (0, "0"),
        (999, "999"),
        (1_000, "1.0k"),
        (1_250, "1.3k"),
        (9_999, "10.0k"),
        (10_000, "10k"),
        (999_499, "999k"),
        (999_500, "1000k"),
        (1_000_000, "1.0M"),
        (9_950_000, "9.9M"),
        (10_000_000, "10M"),
        (123_456_789, "123M"),
    ];
    for (count, text) in cases {
        assert_eq!(format_tokens(count), text, "{count}");
    }
}

#[test]
fn the_home_directory_becomes_a_tilde() {
    let home = Some(Path::new("/home/me"));
    assert_eq!(format_cwd(Path::new("/home/me"), home), "~");
    assert_eq!(format_cwd(Path::new("/home/me/a/b"), home), "~/a/b");
    assert_eq!(format_cwd(Path::new("/home/me/../me/x"), home), "~/x");
    assert_eq!(format_cwd(Path::new("/home/meta"), home), "/home/meta");
    assert_eq!(format_cwd(Path::new("/srv"), home), "/srv");
    assert_eq!(format_cwd(Path::new("/home/me/x"), None), "/home/me/x");
}

#[test]
fn statuses_are_one_line_each() {
    assert_eq!(sanitize_status(" a\tb\r\n  c  "), "a b c");
    assert_eq!(sanitize_status("plain"), "plain");
}

#[test]
fn lines_never_exceed_the_width() {
    let statuses = [("k".to_owned(), "a status that is rather long".to_owned())];
    let model = FooterModel {
        id: "a-model-with-a-long-name",
        provider: "provider",
        reasoning: true,
        context_window: 1_000_000,
    };
    let data = FooterData {
        git_branch: Some("a-branch"),
        session_name: Some("名前のあるセッション"),
        model: Some(model),
        available_provider_count: 3,
        thinking_level: ThinkingLevel::High,
        extension_statuses: &statuses,
        context: Some(ContextUsage {
            context_window: 1_000_000,
            percent: Some(99.0),
        }),
        ..FooterData::new(
            Path::new("/home/me/some/project"),
            Some(Path::new("/home/me")),
        )
    };
    let theme = Theme::dark(ColorMode::Ansi256);
    for width in 0..90 {
        let lines = render_footer(&data, &theme, width);
        assert_eq!(lines.len(), 3);
        for line in &lines {
            assert!(
                pi_tui::visible_width(line) <= width,
                "width {width}: {line:?}"
            );
        }
    }
}

#[test]
fn git_paths_of_a_checkout_and_a_linked_worktree() {
    let root = tempfile::tempdir().unwrap();
    let repo = root.path().join("repo");
    std::fs::create_dir_all(repo.join(".git/worktrees/feat")).unwrap();
    std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(
        repo.join(".git/worktrees/feat/HEAD"),
        "ref: refs/heads/feature/login\n",
    )
    .unwrap();
    std::fs::write(repo.join(".git/worktrees/feat/commondir"), "../..\n").unwrap();
    let feat = root.path().join("feat");
    std::fs::create_dir_all(feat.join("src")).unwrap();
    std::fs::write(feat.join(".git"), "gitdir: ../repo/.git/worktrees/feat\n").unwrap();

    let main = GitPaths::find(&repo.join("deep/inside")).unwrap();
    assert_eq!(main.repo_dir, repo);
    assert_eq!(main.branch().as_deref(), Some("main"));
    let linked = GitPaths::find(&feat.join("src")).unwrap();
    assert_eq!(linked.repo_dir, feat);
    assert_eq!(linked.git_dir, repo.join(".git/worktrees/feat"));
    assert_eq!(linked.common_git_dir, repo.join(".git"));
    assert_eq!(linked.branch().as_deref(), Some("feature/login"));

    std::fs::write(
        repo.join(".git/HEAD"),
        "0123456789abcdef0123456789abcdef01234567\n",
    )
    .unwrap();
    assert_eq!(main.branch().as_deref(), Some("detached"));
    assert!(GitPaths::find(root.path()).is_none());
}

#[test]
fn the_branch_is_re_read_only_when_head_changes() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join(".git")).unwrap();
    let head = root.path().join(".git/HEAD");
    std::fs::write(&head, "ref: refs/heads/main\n").unwrap();
    let mut branch = GitBranch::new(root.path());
    assert_eq!(branch.get(), Some("main"));
    assert!(!branch.refresh());
    std::fs::write(&head, "ref: refs/heads/topic-branch\n").unwrap();
    assert!(branch.refresh());
    assert_eq!(branch.get(), Some("topic-branch"));
    let outside = tempfile::tempdir().unwrap();
    assert_eq!(GitBranch::new(outside.path()).get(), None);
}

/// A one-block reftable (version 1) holding `records` (name, symref target or `None` for
/// an object id), sorted by name; names under 16 bytes keep every varint one byte long.
fn reftable(records: &[(&str, Option<&str>)]) -> Vec<u8> {
    let mut block = Vec::new();
    for (name, target) in records {
        block.push(0); // no prefix shared
        let value_type = if target.is_some() { 3 } else { 1 };
        block.push(u8::try_from(name.len() << 3 | value_type).unwrap());
        block.extend_from_slice(name.as_bytes());
        block.push(1); // update index delta
        match target {
            Some(target) => {
                block.push(u8::try_from(target.len()).unwrap());
                block.extend_from_slice(target.as_bytes());
            }
            None => block.extend_from_slice(&[0xab; 20]),
        }
    }
    let mut data = b"REFT\x01\x00\x10\x00".to_vec();
    data.extend_from_slice(&1u64.to_be_bytes());
    data.extend_from_slice(&1u64.to_be_bytes());
    let block_len = data.len() + 4 + block.len() + 3 + 2;
    data.push(b'r');
    data.extend_from_slice(&u32::try_from(block_len).unwrap().to_be_bytes()[1..]);
    data.extend_from_slice(&block);
    data.extend_from_slice(&[0, 0, 28, 0, 1]); // one restart point, at the first record
    data
}

#[test]
fn reftable_stacks_are_read_newest_first() {
    let root = tempfile::tempdir().unwrap();
    let git = root.path().join(".git");
    std::fs::create_dir_all(git.join("reftable")).unwrap();
    std::fs::write(git.join("HEAD"), "ref: refs/heads/.invalid\n").unwrap();
    std::fs::write(
        git.join("reftable/a.ref"),
        reftable(&[("HEAD", Some("refs/heads/main")), ("refs/heads/main", None)]),
    )
    .unwrap();
    // A newer table without HEAD leaves the older one's answer.
    std::fs::write(
        git.join("reftable/b.ref"),
        reftable(&[("refs/heads/x", None)]),
    )
    .unwrap();
    std::fs::write(git.join("reftable/tables.list"), "a.ref\nb.ref\n").unwrap();
    let paths = GitPaths::find(root.path()).unwrap();
    assert_eq!(paths.branch().as_deref(), Some("main"));

    std::fs::write(
        git.join("reftable/c.ref"),
        reftable(&[("HEAD", None), ("refs/heads/main", None)]),
    )
    .unwrap();
    std::fs::write(git.join("reftable/tables.list"), "a.ref\nb.ref\nc.ref\n").unwrap();
    assert_eq!(paths.branch().as_deref(), Some("detached"));

    std::fs::write(git.join("reftable/c.ref"), b"garbage").unwrap();
    assert_eq!(paths.branch().as_deref(), Some("detached"));
}

proptest::proptest! {
    /// Whatever the names and figures, no footer line is wider than the terminal.
    #[test]
    fn no_line_exceeds_the_width(
        cwd in "/[a-zé日本/ ]{0,60}",
        branch in proptest::option::of("[a-z/\\-界]{0,30}"),
        name in proptest::option::of("[ -~日本語]{0,40}"),
        model_id in "[a-z0-9\\-.]{0,40}",
        input in 0u64..20_000_000_000,
        cost in 0.0f64..10_000.0,
        percent in proptest::option::of(0.0f64..150.0),
        status in "[ -~\\t\\n界]{0,50}",
        width in 0usize..160,
    ) {
        let statuses = [("s".to_owned(), status)];
        let mut usage = UsageSummary::default();
        usage.totals.input = input;
        usage.totals.cost = cost;
        let data = FooterData {
            git_branch: branch.as_deref(),
            session_name: name.as_deref(),
            usage,
            context: Some(ContextUsage { context_window: 200_000, percent }),
            model: Some(FooterModel { id: &model_id, provider: "p", reasoning: true, context_window: 1 }),
            available_provider_count: 2,
            extension_statuses: &statuses,
            experimental: true,
            ..FooterData::new(Path::new(&cwd), Some(Path::new("/home")))
        };
        for line in render_footer(&data, &Theme::dark(ColorMode::TrueColor), width) {
            proptest::prop_assert!(pi_tui::visible_width(&line) <= width, "{:?}", line);
        }
    }
}
