use std::fs;

use super::*;

struct Setup {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
    store: TrustStore,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let root = canonical_dir(tmp.path());
    let home = root.join("home");
    fs::create_dir_all(&home).unwrap();
    let store = TrustStore::new(&ConfigPaths::new(home.join(".pi/agent")));
    Setup {
        _tmp: tmp,
        root,
        home,
        store,
    }
}

fn inputs<'a>(cwd: &'a Path, home: &'a Path) -> TrustInputs<'a> {
    TrustInputs {
        cwd,
        home: Some(home),
        cli_override: None,
        default: ProjectTrustDefault::Ask,
        can_prompt: false,
    }
}

#[test]
fn only_protected_resources_need_trust() {
    let s = setup();
    let project = s.root.join("work/project");
    fs::create_dir_all(project.join(".pi")).unwrap();
    // A bare .pi directory (and context files) need no decision.
    fs::write(project.join("AGENTS.md"), "x").unwrap();
    assert!(!has_trust_requiring_resources(&project, Some(&s.home)));
    fs::create_dir(project.join(".pi/prompts")).unwrap();
    assert!(has_trust_requiring_resources(&project, Some(&s.home)));

    // .agents/skills in an ancestor counts, the user's own does not.
    let other = s.home.join("code/app");
    fs::create_dir_all(&other).unwrap();
    fs::create_dir_all(s.home.join(".agents/skills")).unwrap();
    assert!(!has_trust_requiring_resources(&other, Some(&s.home)));
    fs::create_dir_all(s.home.join("code/.agents/skills")).unwrap();
    assert!(has_trust_requiring_resources(&other, Some(&s.home)));
}

#[test]
fn decisions_follow_pis_order() {
    let s = setup();
    let project = s.root.join("p");
    fs::create_dir_all(project.join(".pi")).unwrap();
    fs::write(project.join(".pi/settings.json"), "{}").unwrap();

    let base = inputs(&project, &s.home);
    assert_eq!(
        resolve_project_trust(base, &s.store).unwrap(),
        ProjectTrust::Untrusted
    );
    let prompting = TrustInputs {
        can_prompt: true,
        ..base
    };
    assert_eq!(
        resolve_project_trust(prompting, &s.store).unwrap(),
        ProjectTrust::Ask
    );
    let always = TrustInputs {
        default: ProjectTrustDefault::Always,
        ..base
    };
    assert_eq!(
        resolve_project_trust(always, &s.store).unwrap(),
        ProjectTrust::Trusted
    );

    // A saved decision beats the default, the command line beats both.
    s.store.set(&project, Some(false)).unwrap();
    assert_eq!(
        resolve_project_trust(always, &s.store).unwrap(),
        ProjectTrust::Untrusted
    );
    let approved = TrustInputs {
        cli_override: Some(true),
        ..base
    };
    assert_eq!(
        resolve_project_trust(approved, &s.store).unwrap(),
        ProjectTrust::Trusted
    );

    // Nothing to protect: trusted without asking.
    let plain = s.root.join("plain");
    fs::create_dir_all(&plain).unwrap();
    assert_eq!(
        resolve_project_trust(inputs(&plain, &s.home), &s.store).unwrap(),
        ProjectTrust::Trusted
    );
}

#[test]
fn the_nearest_saved_decision_applies() {
    let s = setup();
    let parent = s.root.join("work");
    let child = parent.join("a/b");
    fs::create_dir_all(&child).unwrap();
    s.store.set(&parent, Some(true)).unwrap();
    assert_eq!(
        s.store.entry(&child).unwrap(),
        Some(TrustEntry {
            path: parent.clone(),
            trusted: true
        })
    );
    s.store.set(&parent.join("a"), Some(false)).unwrap();
    assert_eq!(s.store.get(&child).unwrap(), Some(false));
    s.store.set(&parent.join("a"), None).unwrap();
    assert_eq!(s.store.get(&child).unwrap(), Some(true));
    assert_eq!(s.store.get(&s.root.join("elsewhere")).unwrap(), None);
}

#[test]
fn the_file_is_sorted_two_space_json_and_checked_on_read() {
    let s = setup();
    let b = s.root.join("b");
    let a = s.root.join("a");
    s.store
        .set_many(&[(b.clone(), Some(true)), (a.clone(), Some(false))])
        .unwrap();
    let text = fs::read_to_string(s.home.join(".pi/agent/trust.json")).unwrap();
    assert_eq!(
        text,
        format!(
            "{{\n  \"{}\": false,\n  \"{}\": true\n}}\n",
            a.display(),
            b.display()
        )
    );
    assert!(!s.home.join(".pi/agent/trust.json.lock").exists());

    let path = s.home.join(".pi/agent/trust.json");
    fs::write(&path, "{\"/x\": \"yes\"}").unwrap();
    assert_eq!(
        s.store.get(&a).unwrap_err().to_string(),
        format!(
            "Invalid trust store {}: value for \"/x\" must be true, false, or null",
            path.display()
        )
    );
    fs::write(&path, "[]").unwrap();
    assert_eq!(
        s.store.get(&a).unwrap_err().to_string(),
        format!("Invalid trust store {}: expected an object", path.display())
    );
    fs::write(&path, "{").unwrap();
    assert!(
        s.store
            .get(&a)
            .unwrap_err()
            .to_string()
            .starts_with(&format!("Failed to read trust store {}: ", path.display()))
    );
}

#[test]
fn prompt_and_options() {
    let s = setup();
    let project = s.root.join("proj");
    fs::create_dir_all(&project).unwrap();
    assert_eq!(
        trust_prompt(&project),
        format!(
            "Trust project folder?\n{}\n\nThis allows pi to load .pi settings and resources, install missing project packages, and execute project extensions.",
            project.display()
        )
    );
    let labels: Vec<String> = trust_options(&project, true)
        .into_iter()
        .map(|o| o.label)
        .collect();
    assert_eq!(
        labels,
        [
            "Trust".to_string(),
            format!("Trust parent folder ({})", s.root.display()),
            "Trust (this session only)".to_string(),
            "Do not trust".to_string(),
            "Do not trust (this session only)".to_string(),
        ]
    );
    // Trusting the parent saves it and forgets the project's own decision.
    let parent_option = &trust_options(&project, false)[1];
    s.store.set(&project, Some(false)).unwrap();
    s.store.set_many(&parent_option.updates).unwrap();
    assert_eq!(s.store.get(&project).unwrap(), Some(true));
}
