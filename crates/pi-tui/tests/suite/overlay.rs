//! Overlays: placement and compositing compared with the reference, and overlays shown
//! through the UI onto a terminal emulator (focus, non-capturing, hiding, style leaks).

use std::cell::RefCell;
use std::rc::Rc;

use pi_tui::overlay::{Anchor, Margin, OverlayOptions, SizeValue, composite_line, resolve_layout};
use pi_tui::{Component, Tui, VirtualTerminal, shared, visible_width};
use serde_json::Value;

use super::support::{Lines, numbered};

fn size(v: &Value) -> Option<SizeValue> {
    match v {
        Value::Number(n) => Some(SizeValue::Cells(n.as_u64().unwrap() as usize)),
        Value::String(s) => SizeValue::parse(s),
        _ => None,
    }
}

fn options(v: &Value) -> OverlayOptions {
    let anchor = match v["anchor"].as_str().unwrap_or("center") {
        "top-left" => Anchor::TopLeft,
        "top-right" => Anchor::TopRight,
        "bottom-left" => Anchor::BottomLeft,
        "bottom-right" => Anchor::BottomRight,
        "top-center" => Anchor::TopCenter,
        "bottom-center" => Anchor::BottomCenter,
        "left-center" => Anchor::LeftCenter,
        "right-center" => Anchor::RightCenter,
        _ => Anchor::Center,
    };
    let margin = match &v["margin"] {
        Value::Number(n) => Margin::all(n.as_u64().unwrap() as usize),
        Value::Object(m) => Margin {
            top: m["top"].as_u64().unwrap() as usize,
            right: m["right"].as_u64().unwrap() as usize,
            bottom: m["bottom"].as_u64().unwrap() as usize,
            left: m["left"].as_u64().unwrap() as usize,
        },
        _ => Margin::default(),
    };
    OverlayOptions {
        width: size(&v["width"]),
        min_width: v["minWidth"].as_u64().map(|n| n as usize),
        max_height: size(&v["maxHeight"]),
        anchor,
        offset_x: v["offsetX"].as_i64().unwrap_or(0) as isize,
        offset_y: v["offsetY"].as_i64().unwrap_or(0) as isize,
        row: size(&v["row"]),
        col: size(&v["col"]),
        margin,
        ..OverlayOptions::default()
    }
}

#[test]
fn placement_matches_the_reference() {
    let doc: Value =
        serde_json::from_str(include_str!("../fixtures/reference-overlay.json")).unwrap();
    for case in doc["layouts"].as_array().unwrap() {
        let o = options(&case["options"]);
        let (h, c, r) = (
            case["height"].as_u64().unwrap() as usize,
            case["cols"].as_u64().unwrap() as usize,
            case["rows"].as_u64().unwrap() as usize,
        );
        let got = resolve_layout(&o, h, c, r);
        let want = &case["layout"];
        assert_eq!(
            (got.row, got.col, got.width, got.max_height),
            (
                want["row"].as_u64().unwrap() as usize,
                want["col"].as_u64().unwrap() as usize,
                want["width"].as_u64().unwrap() as usize,
                want["maxHeight"].as_u64().map(|m| m as usize),
            ),
            "{} height {h} on {c}x{r}",
            case["options"]
        );
    }
}

#[test]
fn compositing_matches_the_reference() {
    let doc: Value =
        serde_json::from_str(include_str!("../fixtures/reference-overlay.json")).unwrap();
    for case in doc["composites"].as_array().unwrap() {
        let base = case["base"].as_str().unwrap();
        let overlay = case["overlay"].as_str().unwrap();
        let col = case["col"].as_u64().unwrap() as usize;
        let width = case["width"].as_u64().unwrap() as usize;
        let total = case["total"].as_u64().unwrap() as usize;
        let got = composite_line(base, overlay, col, width, total);
        assert_eq!(
            got,
            case["out"].as_str().unwrap(),
            "{base:?} + {overlay:?} at {col}/{width}"
        );
        assert!(visible_width(&got) <= total);
    }
}

/// A bordered box of a fixed height, which records the keys it got.
#[derive(Default)]
struct Dialog {
    title: String,
    rows: usize,
    keys: Rc<RefCell<Vec<String>>>,
}

impl Component for Dialog {
    fn render(&mut self, width: usize) -> Vec<String> {
        let inner = width.saturating_sub(2);
        let mut lines = vec![format!("┌{}┐", "─".repeat(inner))];
        let title = pi_tui::truncate_to_width(&self.title, inner, "", true);
        lines.push(format!("│{title}│"));
        for _ in 0..self.rows {
            lines.push(format!("│{}│", " ".repeat(inner)));
        }
        lines.push(format!("└{}┘", "─".repeat(inner)));
        lines
    }

    fn handle_input(&mut self, data: &str) {
        self.keys.borrow_mut().push(data.to_owned());
    }
}

/// Keys a component received.
type Keys = Rc<RefCell<Vec<String>>>;

fn ui() -> (Tui<VirtualTerminal>, Rc<RefCell<Lines>>, Keys) {
    let mut tui = Tui::new(VirtualTerminal::new(40, 12));
    let content = shared(Lines(numbered("content line ", 30)));
    tui.add_child(content.clone());
    let editor_keys = Rc::new(RefCell::new(Vec::new()));
    let editor = shared(Dialog {
        title: "editor".into(),
        rows: 0,
        keys: editor_keys.clone(),
    });
    tui.add_child(editor.clone());
    tui.set_focus(Some(editor));
    tui.start().unwrap();
    tui.render().unwrap();
    (tui, content, editor_keys)
}

#[test]
fn overlay_is_drawn_on_top_of_the_visible_screen_and_removed() {
    let (mut tui, _, _) = ui();
    let before = tui.terminal().screen_lines();
    let keys = Rc::new(RefCell::new(Vec::new()));
    let dialog = shared(Dialog {
        title: "Pick a model".into(),
        rows: 2,
        keys: keys.clone(),
    });
    let id = tui.show_overlay(
        dialog,
        OverlayOptions {
            width: Some(SizeValue::Cells(20)),
            ..OverlayOptions::default()
        },
    );
    tui.render().unwrap();
    let screen = tui.terminal().screen_lines();
    assert_eq!(screen.len(), 12);
    // Centred: 5 rows high on 12 rows, 20 wide on 40 columns.
    assert!(
        screen[3].starts_with("content li┌──────────────────┐"),
        "{screen:#?}"
    );
    assert!(screen[4].contains("│Pick a model      │"), "{screen:#?}");
    assert_eq!(
        screen[2], before[2],
        "rows outside the overlay are untouched"
    );
    assert_eq!(
        tui.overlay_bounds(id).map(|b| (b.row, b.col, b.width)),
        Some((3, 10, 20))
    );
    tui.handle_input("x");
    assert_eq!(*keys.borrow(), ["x"], "a capturing overlay takes the keys");
    tui.hide_overlay(id);
    tui.render().unwrap();
    assert_eq!(tui.terminal().screen_lines(), before);
    tui.handle_input("y");
    assert_eq!(tui.terminal().scrollback_erasures(), 0);
}

#[test]
fn non_capturing_overlay_leaves_focus_alone() {
    let (mut tui, _, editor_keys) = ui();
    let keys = Rc::new(RefCell::new(Vec::new()));
    let toast = shared(Dialog {
        title: "saved".into(),
        rows: 0,
        keys: keys.clone(),
    });
    let id = tui.show_overlay(
        toast,
        OverlayOptions {
            anchor: Anchor::TopRight,
            width: Some(SizeValue::Cells(10)),
            non_capturing: true,
            ..OverlayOptions::default()
        },
    );
    tui.render().unwrap();
    assert!(tui.terminal().screen_lines()[0].ends_with("┌────────┐"));
    tui.handle_input("a");
    assert_eq!(*editor_keys.borrow(), ["a"]);
    assert!(keys.borrow().is_empty());
    tui.focus_overlay(id);
    tui.handle_input("b");
    assert_eq!(*keys.borrow(), ["b"]);
    tui.unfocus_overlay(id);
    tui.handle_input("c");
    assert_eq!(*editor_keys.borrow(), ["a", "c"]);
}

#[test]
fn stacked_overlays_return_focus_in_order() {
    let (mut tui, _, editor_keys) = ui();
    let k1 = Rc::new(RefCell::new(Vec::new()));
    let k2 = Rc::new(RefCell::new(Vec::new()));
    let first = tui.show_overlay(
        shared(Dialog {
            title: "one".into(),
            rows: 0,
            keys: k1.clone(),
        }),
        OverlayOptions::default(),
    );
    let second = tui.show_overlay(
        shared(Dialog {
            title: "two".into(),
            rows: 0,
            keys: k2.clone(),
        }),
        OverlayOptions {
            anchor: Anchor::BottomLeft,
            width: Some(SizeValue::Percent(50.0)),
            ..OverlayOptions::default()
        },
    );
    tui.handle_input("1");
    tui.set_overlay_hidden(second, true);
    tui.handle_input("2");
    tui.set_overlay_hidden(second, false);
    tui.handle_input("3");
    tui.hide_overlay(second);
    tui.handle_input("4");
    tui.hide_overlay(first);
    tui.handle_input("5");
    assert_eq!(*k2.borrow(), ["1", "3"]);
    assert_eq!(*k1.borrow(), ["2", "4"]);
    assert_eq!(*editor_keys.borrow(), ["5"]);
    assert!(!tui.has_overlay());
}

#[test]
fn overlay_on_short_content_pads_to_the_screen() {
    let mut tui = Tui::new(VirtualTerminal::new(30, 10));
    tui.add_child(shared(Lines(vec!["only line".into()])));
    tui.start().unwrap();
    tui.render().unwrap();
    tui.show_overlay(
        shared(Dialog {
            title: "hi".into(),
            rows: 0,
            keys: Rc::default(),
        }),
        OverlayOptions {
            anchor: Anchor::BottomCenter,
            width: Some(SizeValue::Cells(10)),
            ..OverlayOptions::default()
        },
    );
    tui.render().unwrap();
    let screen = tui.terminal().screen_rows();
    assert_eq!(screen[0], "only line");
    assert_eq!(screen[9].trim(), "└────────┘", "{screen:#?}");
}

#[test]
fn overlay_styles_do_not_leak_into_the_content() {
    let mut tui = Tui::new(VirtualTerminal::new(30, 6));
    tui.add_child(shared(Lines(vec![
        "\x1b[31mred content all along the line"
            .into();
        6
    ])));
    tui.start().unwrap();
    tui.show_overlay(
        shared(Lines(vec!["\x1b[44mblue".into(); 2])),
        OverlayOptions {
            width: Some(SizeValue::Cells(8)),
            row: Some(SizeValue::Cells(1)),
            col: Some(SizeValue::Cells(5)),
            ..OverlayOptions::default()
        },
    );
    tui.render().unwrap();
    let screen = tui.terminal().screen().unwrap().clone();
    assert_eq!(screen.cell(1, 5).unwrap().bgcolor(), vt100::Color::Idx(4));
    assert_eq!(
        screen.cell(1, 14).unwrap().bgcolor(),
        vt100::Color::Default,
        "blue stops at the overlay"
    );
    assert_eq!(
        screen.cell(1, 14).unwrap().fgcolor(),
        vt100::Color::Idx(1),
        "red resumes after it"
    );
    assert_eq!(screen.cell(1, 2).unwrap().fgcolor(), vt100::Color::Idx(1));
}

#[test]
fn visibility_rule_hides_an_overlay_on_small_terminals() {
    let (mut tui, _, editor_keys) = ui();
    let keys = Rc::new(RefCell::new(Vec::new()));
    tui.show_overlay(
        shared(Dialog {
            title: "wide only".into(),
            rows: 0,
            keys: keys.clone(),
        }),
        OverlayOptions {
            visible: Some(Rc::new(|cols, _| cols >= 60)),
            ..OverlayOptions::default()
        },
    );
    tui.render().unwrap();
    assert!(
        !tui.terminal()
            .screen_lines()
            .iter()
            .any(|l| l.contains("wide only"))
    );
    tui.handle_input("k");
    assert_eq!(*editor_keys.borrow(), ["k"]);
    tui.terminal_mut().resize(70, 12);
    tui.render().unwrap();
    assert!(
        tui.terminal()
            .screen_lines()
            .iter()
            .any(|l| l.contains("wide only"))
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn size_value() -> impl Strategy<Value = Option<SizeValue>> {
        prop_oneof![
            Just(None),
            (0usize..300).prop_map(|n| Some(SizeValue::Cells(n))),
            (0.0f64..200.0).prop_map(|p| Some(SizeValue::Percent(p))),
        ]
    }

    proptest! {
        #[test]
        fn overlays_stay_on_screen(
            width in size_value(), max_height in size_value(), row in size_value(), col in size_value(),
            margin in (0usize..500, 0usize..500, 0usize..500, 0usize..500),
            offsets in (-500isize..500, -500isize..500),
            height in 0usize..100, columns in 1usize..200, rows in 1usize..80,
        ) {
            let options = OverlayOptions {
                width, max_height, row, col,
                margin: Margin { top: margin.0, right: margin.1, bottom: margin.2, left: margin.3 },
                offset_x: offsets.0, offset_y: offsets.1,
                ..OverlayOptions::default()
            };
            let l = resolve_layout(&options, height, columns, rows);
            prop_assert!(l.width >= 1 && l.width <= columns);
            prop_assert!(l.col < columns && l.row < rows);
            if let Some(h) = l.max_height {
                prop_assert!(h >= 1 && h <= rows);
            }
        }
    }
}
