//! Broken projects: each fixture in `tests/fixtures/broken/<case>/` is laid over the `shop`
//! project; the build must fail with exactly the diagnostic in the snapshot, exit non-zero,
//! and leave the previous `dist/` as it was.

use crate::util::{Project, copy_dir, fixtures, tree};

#[test]
fn every_broken_fixture_fails_with_its_diagnostic() {
    let mut cases: Vec<_> = std::fs::read_dir(fixtures().join("broken"))
        .expect("tests/fixtures/broken exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "expected at least ten broken fixtures, found {}", cases.len());
    // A good build first, so there is a previous site to keep; each case starts from a copy.
    let good = Project::fixture("shop");
    good.build().ok();
    for case in cases {
        let name = case.file_name().expect("a name").to_string_lossy().into_owned();
        let project = Project::copy_of(&good);
        let before = tree(&project.path().join("dist"));
        if case.join("pages").is_dir() {
            std::fs::remove_dir_all(project.path().join("pages")).expect("rm pages");
        }
        copy_dir(&case, project.path());
        let run = project.build();
        assert!(!run.success(), "{name}: the build should fail");
        assert_eq!(run.output.status.code(), Some(1), "{name}: exit code");
        let mut settings = insta::Settings::clone_current();
        // Timings of the pipeline's summary.
        settings.add_filter(r"\b\d+\.\d\d s\b", "[t] s");
        settings.bind(|| insta::assert_snapshot!(format!("broken_{name}"), run.stderr()));
        assert_eq!(tree(&project.path().join("dist")), before, "{name}: dist/ changed");
    }
}
