//! `read`: limits, offsets, notices, truncation details, images and errors (ported from
//! pi's tools tests, texts checked verbatim).

use base64::Engine as _;
use pi_ai::InputContent;
use pi_coding_agent::tools::ToolName::Read;
use serde_json::json;

use super::tools_support::{Workspace, text};

const PNG_1X1: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAX+XDSwAAAABJRU5ErkJggg==";

fn numbered(count: usize) -> String {
    (1..=count)
        .map(|i| format!("Line {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn reads_a_file_within_limits() {
    let ws = Workspace::new();
    ws.write("test.txt", "Hello, world!\nLine 2\nLine 3");
    let result = ws.ok(Read, json!({"path": ws.abs("test.txt")})).await;
    assert_eq!(text(&result), "Hello, world!\nLine 2\nLine 3");
    assert_eq!(result.details, None);
}

#[tokio::test]
async fn missing_file_gives_the_os_error() {
    let ws = Workspace::new();
    let err = ws.err(Read, json!({"path": "nonexistent.txt"})).await;
    assert_eq!(
        err,
        format!(
            "ENOENT: no such file or directory, access '{}'",
            ws.abs("nonexistent.txt")
        )
    );
}

#[tokio::test]
async fn truncates_at_the_line_limit() {
    let ws = Workspace::new();
    ws.write("large.txt", numbered(2500));
    let result = ws.ok(Read, json!({"path": "large.txt"})).await;
    let output = text(&result);
    assert!(output.starts_with("Line 1\n"));
    assert!(output.contains("Line 2000\n"));
    assert!(!output.contains("Line 2001"));
    assert!(output.ends_with("\n\n[Showing lines 1-2000 of 2500. Use offset=2001 to continue.]"));
    let truncation = &result.details.unwrap()["truncation"];
    assert_eq!(truncation["truncated"], true);
    assert_eq!(truncation["truncatedBy"], "lines");
    assert_eq!(truncation["totalLines"], 2500);
    assert_eq!(truncation["outputLines"], 2000);
    assert_eq!(truncation["maxLines"], 2000);
    assert_eq!(truncation["maxBytes"], 51200);
    assert_eq!(truncation["firstLineExceedsLimit"], false);
}

#[tokio::test]
async fn truncates_at_the_byte_limit() {
    let ws = Workspace::new();
    let lines: Vec<String> = (1..=500)
        .map(|i| format!("Line {i}: {}", "x".repeat(200)))
        .collect();
    ws.write("large-bytes.txt", lines.join("\n"));
    let result = ws.ok(Read, json!({"path": "large-bytes.txt"})).await;
    let output = text(&result);
    assert!(output.starts_with("Line 1:"));
    assert!(
        output.ends_with(
            "\n\n[Showing lines 1-243 of 500 (50.0KB limit). Use offset=244 to continue.]"
        )
    );
    let truncation = &result.details.unwrap()["truncation"];
    assert_eq!(truncation["truncatedBy"], "bytes");
    assert_eq!(truncation["outputLines"], 243);
}

#[tokio::test]
async fn offset_starts_later() {
    let ws = Workspace::new();
    ws.write("offset-test.txt", numbered(100));
    let output = text(
        &ws.ok(Read, json!({"path": "offset-test.txt", "offset": 51}))
            .await,
    );
    assert!(!output.contains("Line 50\n"));
    assert!(output.starts_with("Line 51\n"));
    assert!(output.ends_with("Line 100"));
    assert!(!output.contains("Use offset="));
}

#[tokio::test]
async fn limit_stops_early_with_a_notice() {
    let ws = Workspace::new();
    ws.write("limit-test.txt", numbered(100));
    let output = text(
        &ws.ok(Read, json!({"path": "limit-test.txt", "limit": 10}))
            .await,
    );
    assert_eq!(
        output,
        format!(
            "{}\n\n[90 more lines in file. Use offset=11 to continue.]",
            numbered(10)
        )
    );
}

#[tokio::test]
async fn offset_and_limit_together() {
    let ws = Workspace::new();
    ws.write("offset-limit-test.txt", numbered(100));
    let output = text(
        &ws.ok(
            Read,
            json!({"path": "offset-limit-test.txt", "offset": 41, "limit": 20}),
        )
        .await,
    );
    assert!(!output.contains("Line 40\n"));
    assert!(output.starts_with("Line 41\n"));
    assert!(output.contains("Line 60\n"));
    assert!(!output.contains("Line 61"));
    assert!(output.ends_with("[40 more lines in file. Use offset=61 to continue.]"));
}

#[tokio::test]
async fn offset_beyond_the_end_is_an_error() {
    let ws = Workspace::new();
    ws.write("short.txt", "Line 1\nLine 2\nLine 3");
    let err = ws
        .err(Read, json!({"path": "short.txt", "offset": 100}))
        .await;
    assert_eq!(err, "Offset 100 is beyond end of file (3 lines total)");
}

#[tokio::test]
async fn a_huge_first_line_points_to_bash() {
    let ws = Workspace::new();
    ws.write("huge.txt", "x".repeat(60_000));
    let result = ws.ok(Read, json!({"path": "huge.txt"})).await;
    assert_eq!(
        text(&result),
        "[Line 1 is 58.6KB, exceeds 50.0KB limit. Use bash: sed -n '1p' huge.txt | head -c 51200]"
    );
    let truncation = &result.details.unwrap()["truncation"];
    assert_eq!(truncation["firstLineExceedsLimit"], true);
    assert_eq!(truncation["content"], "");
    assert_eq!(truncation["outputLines"], 0);
}

#[tokio::test]
async fn a_huge_line_after_others_stops_before_it() {
    let ws = Workspace::new();
    ws.write(
        "mixed.txt",
        format!("one\ntwo\n{}\nthree\n", "z".repeat(60_000)),
    );
    let result = ws.ok(Read, json!({"path": "mixed.txt"})).await;
    assert_eq!(
        text(&result),
        "one\ntwo\n\n[Showing lines 1-2 of 5 (50.0KB limit). Use offset=3 to continue.]"
    );
}

#[tokio::test]
async fn empty_file_reads_as_empty_text() {
    let ws = Workspace::new();
    ws.write("empty.txt", "");
    let result = ws.ok(Read, json!({"path": "empty.txt"})).await;
    assert_eq!(text(&result), "");
    assert_eq!(result.details, None);
}

#[tokio::test]
async fn detects_images_by_content_not_extension() {
    let ws = Workspace::new();
    let png = base64::engine::general_purpose::STANDARD
        .decode(PNG_1X1)
        .unwrap();
    ws.write("image.txt", &png);
    let result = ws.ok(Read, json!({"path": "image.txt"})).await;
    assert_eq!(text(&result), "Read image file [image/png]");
    match &result.content[1] {
        InputContent::Image(image) => {
            assert_eq!(image.mime_type, "image/png");
            assert_eq!(image.data, PNG_1X1);
        }
        other => panic!("expected an image, got {other:?}"),
    }
}

#[tokio::test]
async fn bmp_is_converted_to_png() {
    let ws = Workspace::new();
    let mut bmp = vec![0u8; 58];
    bmp[..2].copy_from_slice(b"BM");
    bmp[2..6].copy_from_slice(&58u32.to_le_bytes());
    bmp[10..14].copy_from_slice(&54u32.to_le_bytes());
    bmp[14..18].copy_from_slice(&40u32.to_le_bytes());
    bmp[18..22].copy_from_slice(&1i32.to_le_bytes());
    bmp[22..26].copy_from_slice(&1i32.to_le_bytes());
    bmp[26..28].copy_from_slice(&1u16.to_le_bytes());
    bmp[28..30].copy_from_slice(&24u16.to_le_bytes());
    bmp[34..38].copy_from_slice(&4u32.to_le_bytes());
    bmp[56] = 0xff;
    ws.write("image.bmp", &bmp);
    let result = ws.ok(Read, json!({"path": "image.bmp"})).await;
    assert_eq!(
        text(&result),
        "Read image file [image/png]\n[Image converted from image/bmp to image/png.]"
    );
    let InputContent::Image(image) = &result.content[1] else {
        panic!("expected an image");
    };
    assert_eq!(image.mime_type, "image/png");
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(&image.data)
            .unwrap()[0],
        0x89
    );
}

#[tokio::test]
async fn large_images_are_resized_with_a_dimension_note() {
    let ws = Workspace::new();
    let image = image::RgbImage::from_fn(2400, 300, |x, y| {
        image::Rgb([(x / 100) as u8 * 10, (y / 50) as u8 * 40, 128])
    });
    image.save(ws.join("wide.png")).unwrap();
    let result = ws.ok(Read, json!({"path": "wide.png"})).await;
    assert_eq!(
        text(&result),
        "Read image file [image/png]\n[Image: original 2400x300, displayed at 2000x250. Multiply coordinates by 1.20 to map to original image.]"
    );
}

#[tokio::test]
async fn image_extension_with_text_content_reads_as_text() {
    let ws = Workspace::new();
    ws.write("not-an-image.png", "definitely not a png");
    let result = ws.ok(Read, json!({"path": "not-an-image.png"})).await;
    assert_eq!(text(&result), "definitely not a png");
    assert_eq!(result.content.len(), 1);
}

#[tokio::test]
async fn binary_files_give_a_clear_error() {
    let ws = Workspace::new();
    ws.write("bin.dat", b"\x00\x01\x02binary\x00data\n");
    let err = ws.err(Read, json!({"path": "bin.dat"})).await;
    assert_eq!(
        err,
        format!(
            "Cannot read binary file: {}. Use bash to inspect it (for example file, xxd or strings).",
            ws.abs("bin.dat")
        )
    );
}

#[tokio::test]
async fn directories_are_an_error() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.join("sub")).unwrap();
    let err = ws.err(Read, json!({"path": "sub"})).await;
    assert_eq!(err, "EISDIR: illegal operation on a directory, read");
}

#[tokio::test]
async fn resolves_macos_screenshot_and_accent_spellings() {
    let ws = Workspace::new();
    ws.write("Screenshot 2024-01-01 at 10.00.00\u{202F}AM.txt", "shot");
    ws.write("cafe\u{301}.txt", "nfd");
    ws.write("Capture d\u{2019}e\u{301}cran.txt", "french");
    let shot = ws
        .ok(
            Read,
            json!({"path": "Screenshot 2024-01-01 at 10.00.00 AM.txt"}),
        )
        .await;
    assert_eq!(text(&shot), "shot");
    assert_eq!(text(&ws.ok(Read, json!({"path": "café.txt"})).await), "nfd");
    assert_eq!(
        text(&ws.ok(Read, json!({"path": "Capture d'écran.txt"})).await),
        "french"
    );
}

#[tokio::test]
async fn at_prefix_and_unicode_spaces_are_normalized() {
    let ws = Workspace::new();
    ws.write("sub/a b.txt", "spaced");
    assert_eq!(
        text(&ws.ok(Read, json!({"path": "@sub/a\u{00A0}b.txt"})).await),
        "spaced"
    );
}

#[tokio::test]
async fn invalid_utf8_is_replaced() {
    let ws = Workspace::new();
    ws.write("latin1.txt", b"caf\xe9\n");
    assert_eq!(
        text(&ws.ok(Read, json!({"path": "latin1.txt"})).await),
        "caf\u{FFFD}\n"
    );
}

#[tokio::test]
async fn cancelled_before_start() {
    let ws = Workspace::new();
    ws.write("a.txt", "a");
    let cancel = pi_ai::CancellationToken::new();
    cancel.cancel();
    let tool = ws.tool(Read);
    let err = super::tools_support::call(
        &*tool,
        json!({"path": "a.txt"}),
        cancel,
        pi_agent_core::ToolProgress::ignored(),
    )
    .await
    .unwrap_err();
    assert_eq!(err, "Operation aborted");
}
