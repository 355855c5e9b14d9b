//! What pi tidies in the agent directory at startup, so that a directory written by an older
//! pi works unchanged: credentials moved into `auth.json`, sessions saved at the top of the
//! agent directory moved to their project's folder, managed binaries moved from `tools/` to
//! `bin/`, `commands/` renamed `prompts/`, and legacy keybinding ids rewritten.
//!
//! Every step is best effort, as in pi: a file that cannot be moved stays where it is.

use std::path::Path;

use super::eprintln_plain;
use crate::config::ConfigPaths;
use crate::config::auth::migrate_auth_to_auth_json;
use crate::interactive::keybindings::migrate_keybindings_file;
use crate::session::SessionLocation;

/// Runs every startup migration for the agent directory and the project at `cwd`.
pub(super) fn run_migrations(paths: &ConfigPaths, cwd: &Path) {
    migrate_auth_to_auth_json(paths);
    move_sessions_from_agent_root(paths.agent_dir());
    move_tools_to_bin(paths);
    // A malformed file is left alone; the interactive mode reports it when it loads it.
    let _ = migrate_keybindings_file(paths.agent_dir());
    rename_commands_to_prompts(paths.agent_dir(), "Global");
    rename_commands_to_prompts(&cwd.join(".pi"), "Project");
}

/// Sessions an old pi saved directly in the agent directory go to their project's folder
/// (found from the header's `cwd`); a file already at the target stays.
fn move_sessions_from_agent_root(agent_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(agent_dir) else {
        return;
    };
    let location = SessionLocation::new(agent_dir);
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|ext| ext != "jsonl") || !path.is_file() {
            continue;
        }
        let Some(cwd) = header_cwd(&path) else {
            continue;
        };
        let dir = location.default_dir_for(Path::new(&cwd));
        let (Some(name), Ok(())) = (path.file_name(), std::fs::create_dir_all(&dir)) else {
            continue;
        };
        let target = dir.join(name);
        if !target.exists() {
            let _ = std::fs::rename(&path, &target);
        }
    }
}

/// The `cwd` of a session file's header line.
fn header_cwd(path: &Path) -> Option<String> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).ok()?;
    let mut first = String::new();
    std::io::BufReader::new(file).read_line(&mut first).ok()?;
    let header: serde_json::Value = serde_json::from_str(first.trim()).ok()?;
    if header.get("type")?.as_str()? != "session" {
        return None;
    }
    header
        .get("cwd")?
        .as_str()
        .filter(|cwd| !cwd.is_empty())
        .map(str::to_string)
}

/// `fd` and `rg` once extracted to `tools/` belong in `bin/`.
fn move_tools_to_bin(paths: &ConfigPaths) {
    let tools = paths.legacy_tools();
    if !tools.is_dir() {
        return;
    }
    let bin = paths.bin();
    let mut moved = false;
    for name in ["fd", "rg", "fd.exe", "rg.exe"] {
        let old = tools.join(name);
        if !old.exists() {
            continue;
        }
        let new = bin.join(name);
        if new.exists() {
            let _ = std::fs::remove_file(&old);
        } else if std::fs::create_dir_all(&bin).is_ok() && std::fs::rename(&old, &new).is_ok() {
            moved = true;
        }
    }
    if moved {
        eprintln_plain("Migrated managed binaries tools/ → bin/");
    }
}

/// Prompt templates used to live in `commands/`.
fn rename_commands_to_prompts(base: &Path, label: &str) {
    let commands = base.join("commands");
    let prompts = base.join("prompts");
    if !commands.exists() || prompts.exists() {
        return;
    }
    match std::fs::rename(&commands, &prompts) {
        Ok(()) => eprintln_plain(&format!("Migrated {label} commands/ → prompts/")),
        Err(err) => eprintln_plain(&format!(
            "Warning: Could not migrate {label} commands/ to prompts/: {err}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_layouts_are_tidied() {
        let dir = tempfile::tempdir().unwrap();
        let agent = dir.path().join("agent");
        let project = dir.path().join("project");
        std::fs::create_dir_all(agent.join("tools")).unwrap();
        std::fs::create_dir_all(agent.join("commands")).unwrap();
        std::fs::create_dir_all(project.join(".pi/commands")).unwrap();
        std::fs::write(agent.join("tools/rg"), "binary").unwrap();
        std::fs::write(agent.join("commands/review.md"), "Review").unwrap();
        let header = format!(
            "{{\"type\":\"session\",\"version\":3,\"id\":\"x\",\"timestamp\":\"t\",\"cwd\":\"{}\"}}\n",
            project.display()
        );
        std::fs::write(agent.join("old.jsonl"), &header).unwrap();
        std::fs::write(agent.join("not-a-session.jsonl"), "{\"type\":\"x\"}\n").unwrap();

        run_migrations(&ConfigPaths::new(&agent), &project);

        let moved = SessionLocation::new(&agent)
            .default_dir_for(&project)
            .join("old.jsonl");
        assert_eq!(std::fs::read_to_string(moved).unwrap(), header);
        assert!(agent.join("not-a-session.jsonl").exists());
        assert_eq!(
            std::fs::read_to_string(agent.join("bin/rg")).unwrap(),
            "binary"
        );
        assert!(!agent.join("tools/rg").exists());
        assert!(agent.join("prompts/review.md").exists());
        assert!(project.join(".pi/prompts").is_dir());
    }

    #[test]
    fn existing_targets_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let agent = dir.path().join("agent");
        std::fs::create_dir_all(agent.join("commands")).unwrap();
        std::fs::create_dir_all(agent.join("prompts")).unwrap();
        std::fs::create_dir_all(agent.join("tools")).unwrap();
        std::fs::create_dir_all(agent.join("bin")).unwrap();
        std::fs::write(agent.join("tools/fd"), "old").unwrap();
        std::fs::write(agent.join("bin/fd"), "new").unwrap();
        run_migrations(&ConfigPaths::new(&agent), dir.path());
        assert!(agent.join("commands").is_dir());
        assert_eq!(
            std::fs::read_to_string(agent.join("bin/fd")).unwrap(),
            "new"
        );
        assert!(!agent.join("tools/fd").exists());
    }
}
