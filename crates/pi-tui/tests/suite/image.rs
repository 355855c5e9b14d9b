//! Inline images: protocol detection, Kitty chunking, iTerm2, header sniffing, the fallback
//! text, and an image placed in the UI.

use base64::Engine as _;
use pi_tui::components::Image;
use pi_tui::image::{
    CellSize, ImageProtocol, ImageSize, TerminalCapabilities, delete_kitty_image, encode_iterm2,
    encode_kitty, image_cells, image_fallback, image_size,
};
use pi_tui::{Component, Tui, VirtualTerminal, shared};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The first bytes of a PNG of the given size (enough for the header).
fn png(width: u32, height: u32) -> String {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
    b.extend_from_slice(b"IHDR");
    b.extend_from_slice(&width.to_be_bytes());
    b.extend_from_slice(&height.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b64(&b)
}

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[test]
fn protocols_are_detected_from_the_environment() {
    let kitty = TerminalCapabilities::detect(env(&[("KITTY_WINDOW_ID", "1")]));
    assert_eq!(kitty.images, Some(ImageProtocol::Kitty));
    assert!(kitty.hyperlinks);
    let ghostty = TerminalCapabilities::detect(env(&[("TERM_PROGRAM", "ghostty")]));
    assert_eq!(ghostty.images, Some(ImageProtocol::Kitty));
    let iterm = TerminalCapabilities::detect(env(&[("TERM_PROGRAM", "iTerm.app")]));
    assert_eq!(iterm.images, Some(ImageProtocol::Iterm2));
    let tmux = TerminalCapabilities::detect(env(&[("TMUX", "/tmp/x"), ("KITTY_WINDOW_ID", "1")]));
    assert_eq!(tmux.images, None, "tmux does not pass images through");
    let vscode = TerminalCapabilities::detect(env(&[("TERM_PROGRAM", "vscode")]));
    assert_eq!((vscode.images, vscode.hyperlinks), (None, true));
    let unknown = TerminalCapabilities::detect(env(&[("COLORTERM", "truecolor")]));
    assert_eq!(
        unknown,
        TerminalCapabilities {
            images: None,
            true_color: true,
            hyperlinks: false
        }
    );
    let forced = TerminalCapabilities::detect(env(&[
        ("PI_IMAGE_PROTOCOL", "iterm2"),
        ("PI_HYPERLINKS", "1"),
    ]));
    assert_eq!(
        (forced.images, forced.hyperlinks),
        (Some(ImageProtocol::Iterm2), true)
    );
    let off = TerminalCapabilities::detect(env(&[
        ("KITTY_WINDOW_ID", "1"),
        ("PI_IMAGE_PROTOCOL", "none"),
    ]));
    assert_eq!(off.images, None);
}

#[test]
fn kitty_payloads_are_chunked_at_4096() {
    let small = encode_kitty("QUJD", 10, 5, Some(7));
    assert_eq!(small, "\x1b_Ga=T,f=100,q=2,C=1,c=10,r=5,i=7;QUJD\x1b\\");
    let data = "A".repeat(4096 * 2 + 10);
    let big = encode_kitty(&data, 10, 5, None);
    let chunks: Vec<&str> = big.split("\x1b\\").filter(|c| !c.is_empty()).collect();
    assert_eq!(chunks.len(), 3);
    assert!(chunks[0].starts_with("\x1b_Ga=T,f=100,q=2,C=1,c=10,r=5,m=1;"));
    assert!(chunks[1].starts_with("\x1b_Gm=1;"));
    assert!(chunks[2].starts_with("\x1b_Gm=0;"));
    assert_eq!(chunks[2].len(), "\x1b_Gm=0;".len() + 10);
    assert_eq!(delete_kitty_image(7), "\x1b_Ga=d,d=I,i=7,q=2\x1b\\");
}

#[test]
fn iterm2_sequence_names_size_and_width() {
    assert_eq!(
        encode_iterm2("QUJD", 12, None),
        "\x1b]1337;File=inline=1;size=3;width=12;height=auto:QUJD\x07"
    );
}

#[test]
fn sizes_are_read_from_headers() {
    assert_eq!(
        image_size(&png(640, 480), "image/png"),
        Some(ImageSize {
            width_px: 640,
            height_px: 480
        })
    );
    let gif = b64(b"GIF89a\x20\x03\x58\x02rest");
    assert_eq!(
        image_size(&gif, "image/gif"),
        Some(ImageSize {
            width_px: 800,
            height_px: 600
        })
    );
    let mut jpeg = vec![
        0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 17, 8, 0, 100, 0, 200,
    ];
    jpeg.extend_from_slice(&[0; 12]);
    assert_eq!(
        image_size(&b64(&jpeg), "image/jpeg"),
        Some(ImageSize {
            width_px: 200,
            height_px: 100
        })
    );
    let mut webp = b"RIFF\0\0\0\0WEBPVP8X".to_vec();
    webp.extend_from_slice(&[0; 8]);
    webp.extend_from_slice(&[99, 0, 0, 49, 0, 0]);
    assert_eq!(
        image_size(&b64(&webp), "image/webp"),
        Some(ImageSize {
            width_px: 100,
            height_px: 50
        })
    );
    assert_eq!(image_size("not base64!", "image/png"), None);
    assert_eq!(image_size(&png(1, 1), "image/bmp"), None);
}

#[test]
fn rows_follow_the_aspect_ratio() {
    let cell = CellSize::default();
    assert_eq!(
        image_cells(
            ImageSize {
                width_px: 900,
                height_px: 900
            },
            50,
            None,
            cell
        ),
        (50, 25)
    );
    assert_eq!(
        image_cells(
            ImageSize {
                width_px: 900,
                height_px: 900
            },
            50,
            Some(10),
            cell
        ),
        (20, 10)
    );
    assert_eq!(
        image_cells(
            ImageSize {
                width_px: 0,
                height_px: 0
            },
            0,
            Some(0),
            cell
        ),
        (1, 1)
    );
}

#[test]
fn fallback_describes_the_image() {
    let mut image = Image::new(png(640, 480), "image/png", TerminalCapabilities::default())
        .with_filename("shot.png");
    assert_eq!(image.render(80), ["[Image: shot.png [image/png] 640x480]"]);
    assert_eq!(
        image_fallback("image/gif", None, None),
        "[Image: [image/gif]]"
    );
    let narrow = image.render(12);
    assert_eq!(pi_tui::visible_width(&narrow[0]), 12);
}

#[test]
fn kitty_image_reserves_its_rows_in_the_ui() {
    let caps = TerminalCapabilities {
        images: Some(ImageProtocol::Kitty),
        ..TerminalCapabilities::default()
    };
    let image = shared(Image::new(png(180, 72), "image/png", caps).with_max_width(20));
    let mut tui = Tui::new(VirtualTerminal::new(40, 10));
    tui.add_child(shared(pi_tui::components::Text::new("above")));
    tui.add_child(image.clone());
    tui.add_child(shared(pi_tui::components::Text::new("below")));
    tui.start().unwrap();
    tui.render().unwrap();
    let lines = image.borrow_mut().render(40);
    assert!(
        lines[0].starts_with("\x1b_Ga=T,f=100,q=2,C=1,c=20,r=4,i="),
        "{:?}",
        lines[0]
    );
    assert_eq!(lines.len(), 4);
    let screen = tui.terminal().screen_rows();
    assert_eq!(screen[0], "above");
    assert_eq!(
        screen[5], "below",
        "four rows kept for the image: {screen:#?}"
    );
    // Changing the image's rows deletes the old placement first.
    let id = image.borrow().image_id().unwrap();
    image.borrow_mut().set_cell_size(CellSize {
        width_px: 9,
        height_px: 9,
    });
    tui.terminal_mut().take_output();
    tui.render().unwrap();
    assert!(
        tui.terminal_mut()
            .take_output()
            .contains(&delete_kitty_image(id))
    );
}
