//! Images for `read`: recognized by their first bytes (never by the extension), converted
//! to a format every provider takes, and shrunk to what providers accept, with a note that
//! maps coordinates back to the original.

use std::io::Cursor;

use base64::Engine as _;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

/// How many leading bytes identify an image.
pub const IMAGE_SNIFF_BYTES: usize = 4100;

const PNG_SIGNATURE: [u8; 8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/// The MIME type of a supported image (`image/jpeg`, `image/png`, `image/gif`,
/// `image/webp`, `image/bmp`) from its first bytes. JPEG-LS and animated PNG are not
/// supported and read as `None`.
pub fn detect_image_mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return (bytes.get(3) != Some(&0xf7)).then_some("image/jpeg");
    }
    if bytes.starts_with(&PNG_SIGNATURE) {
        return (is_png(bytes) && !is_animated_png(bytes)).then_some("image/png");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some("image/gif");
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Some("image/webp");
    }
    if bytes.starts_with(b"BM") && is_bmp(bytes) {
        return Some("image/bmp");
    }
    None
}

fn u32_be(bytes: &[u8], at: usize) -> u32 {
    let b = |i: usize| u32::from(bytes.get(at + i).copied().unwrap_or(0));
    (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)
}

fn u32_le(bytes: &[u8], at: usize) -> u32 {
    let b = |i: usize| u32::from(bytes.get(at + i).copied().unwrap_or(0));
    b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)
}

fn u16_le(bytes: &[u8], at: usize) -> u32 {
    let b = |i: usize| u32::from(bytes.get(at + i).copied().unwrap_or(0));
    b(0) | (b(1) << 8)
}

fn is_png(bytes: &[u8]) -> bool {
    bytes.len() >= 16 && u32_be(bytes, 8) == 13 && &bytes[12..16] == b"IHDR"
}

fn is_animated_png(bytes: &[u8]) -> bool {
    let mut offset = PNG_SIGNATURE.len();
    while offset + 8 <= bytes.len() {
        let chunk_type = &bytes[offset + 4..offset + 8];
        if chunk_type == b"acTL" {
            return true;
        }
        if chunk_type == b"IDAT" {
            return false;
        }
        let next = offset + 12 + u32_be(bytes, offset) as usize;
        if next <= offset || next > bytes.len() {
            return false;
        }
        offset = next;
    }
    false
}

fn is_bmp(bytes: &[u8]) -> bool {
    if bytes.len() < 26 {
        return false;
    }
    let file_size = u32_le(bytes, 2);
    let pixel_offset = u32_le(bytes, 10);
    let header_size = u32_le(bytes, 14);
    if file_size != 0 && file_size < 26 {
        return false;
    }
    if u64::from(pixel_offset) < 14 + u64::from(header_size) {
        return false;
    }
    if file_size != 0 && pixel_offset >= file_size {
        return false;
    }
    let (planes, bits) = if header_size == 12 {
        (u16_le(bytes, 22), u16_le(bytes, 24))
    } else if (40..=124).contains(&header_size) {
        if bytes.len() < 30 {
            return false;
        }
        (u16_le(bytes, 26), u16_le(bytes, 28))
    } else {
        return false;
    };
    planes == 1 && [1, 4, 8, 16, 24, 32].contains(&bits)
}

/// Limits an image must fit before it is sent (pi's defaults: 2000×2000 pixels, 4.5 MiB
/// of base64, JPEG quality 80).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResizeOptions {
    /// Widest image sent.
    pub max_width: u32,
    /// Tallest image sent.
    pub max_height: u32,
    /// Largest base64 payload sent, in bytes (exclusive).
    pub max_bytes: usize,
    /// The first JPEG quality tried.
    pub jpeg_quality: u8,
}

impl Default for ResizeOptions {
    fn default() -> Self {
        ResizeOptions {
            max_width: 2000,
            max_height: 2000,
            max_bytes: 4_718_592,
            jpeg_quality: 80,
        }
    }
}

/// An image ready to send, or why it cannot be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessedImage {
    /// The image and the notes for the model.
    Ready {
        /// Base64 payload.
        data: String,
        /// Its MIME type.
        mime_type: String,
        /// Conversion and dimension notes, one per line.
        hints: Vec<String>,
    },
    /// The notice that replaces it.
    Omitted(String),
}

const CONVERT_FAILED: &str =
    "[Image omitted: could not be converted to a supported inline image format.]";
const RESIZE_FAILED: &str =
    "[Image omitted: could not be resized below the inline image size limit.]";

/// Converts (BMP becomes PNG) and, when `auto_resize` is on, shrinks an image to `options`.
pub fn process_image(
    bytes: &[u8],
    mime_type: &str,
    auto_resize: bool,
    options: ResizeOptions,
) -> ProcessedImage {
    let passthrough = matches!(
        mime_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    );
    let (bytes, mime_type, converted_from) = if passthrough {
        (bytes.to_vec(), mime_type.to_string(), None)
    } else {
        match decode(bytes, mime_type).and_then(|image| encode_png(&image)) {
            Some(png) => (png, "image/png".to_string(), Some(mime_type.to_string())),
            None => return ProcessedImage::Omitted(CONVERT_FAILED.into()),
        }
    };
    let mut hints = Vec::new();
    if !auto_resize {
        hints.extend(conversion_hint(converted_from.as_deref(), &mime_type));
        return ProcessedImage::Ready {
            data: base64::engine::general_purpose::STANDARD.encode(&bytes),
            mime_type,
            hints,
        };
    }
    let Some(resized) = resize_image(&bytes, &mime_type, options) else {
        return ProcessedImage::Omitted(RESIZE_FAILED.into());
    };
    hints.extend(conversion_hint(
        converted_from.as_deref(),
        &resized.mime_type,
    ));
    hints.extend(resized.dimension_note());
    ProcessedImage::Ready {
        data: resized.data,
        mime_type: resized.mime_type,
        hints,
    }
}

fn conversion_hint(from: Option<&str>, to: &str) -> Option<String> {
    from.filter(|from| *from != to)
        .map(|from| format!("[Image converted from {from} to {to}.]"))
}

/// An image after resizing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResizedImage {
    /// Base64 payload.
    pub data: String,
    /// Its MIME type.
    pub mime_type: String,
    /// Width before resizing (after EXIF orientation).
    pub original_width: u32,
    /// Height before resizing.
    pub original_height: u32,
    /// Width sent.
    pub width: u32,
    /// Height sent.
    pub height: u32,
    /// Whether it was re-encoded.
    pub was_resized: bool,
}

impl ResizedImage {
    /// `[Image: original WxH, displayed at wxh. Multiply coordinates by s to map to original
    /// image.]` when the image was resized.
    pub fn dimension_note(&self) -> Option<String> {
        if !self.was_resized {
            return None;
        }
        let scale = f64::from(self.original_width) / f64::from(self.width);
        Some(format!(
            "[Image: original {}x{}, displayed at {}x{}. Multiply coordinates by {} to map to original image.]",
            self.original_width,
            self.original_height,
            self.width,
            self.height,
            super::format::to_fixed(scale, 2)
        ))
    }
}

fn image_format(mime_type: &str) -> Option<ImageFormat> {
    match mime_type {
        "image/png" => Some(ImageFormat::Png),
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/gif" => Some(ImageFormat::Gif),
        "image/webp" => Some(ImageFormat::WebP),
        "image/bmp" => Some(ImageFormat::Bmp),
        _ => None,
    }
}

/// Decodes the first frame, turned upright by its EXIF orientation (JPEG and WebP carry
/// one).
fn decode(bytes: &[u8], mime_type: &str) -> Option<DynamicImage> {
    let format = image_format(mime_type)?;
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format)
        .into_decoder()
        .ok()?;
    let orientation = match format {
        ImageFormat::Jpeg | ImageFormat::WebP => decoder.orientation().ok(),
        _ => None,
    };
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Some(image)
}

fn encode_png(image: &DynamicImage) -> Option<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).ok()?;
    Some(out.into_inner())
}

fn encode_jpeg(image: &DynamicImage, quality: u8) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let rgb = image.to_rgb8();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&rgb)
        .ok()?;
    Some(out)
}

fn base64_len(bytes: usize) -> usize {
    bytes.div_ceil(3) * 4
}

/// Fits an image into `options`: passed through when it already fits, else scaled down
/// (Lanczos3) and encoded as PNG, then JPEG at falling qualities; the first encoding
/// under the byte limit wins, and the sides shrink by a quarter until one does. `None`
/// when it cannot be decoded or nothing fits.
pub fn resize_image(bytes: &[u8], mime_type: &str, options: ResizeOptions) -> Option<ResizedImage> {
    let image = decode(bytes, mime_type)?;
    let (original_width, original_height) = (image.width(), image.height());
    if original_width <= options.max_width
        && original_height <= options.max_height
        && base64_len(bytes.len()) < options.max_bytes
    {
        return Some(ResizedImage {
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
            mime_type: mime_type.to_string(),
            original_width,
            original_height,
            width: original_width,
            height: original_height,
            was_resized: false,
        });
    }
    let (mut width, mut height) = (f64::from(original_width), f64::from(original_height));
    if width > f64::from(options.max_width) {
        height = (height * f64::from(options.max_width) / width).round();
        width = f64::from(options.max_width);
    }
    if height > f64::from(options.max_height) {
        width = (width * f64::from(options.max_height) / height).round();
        height = f64::from(options.max_height);
    }
    // Decoded as RGBA, as pi's image library holds every picture.
    let image = DynamicImage::ImageRgba8(image.to_rgba8());
    let mut qualities = vec![options.jpeg_quality];
    for quality in [85, 70, 55, 40] {
        if !qualities.contains(&quality) {
            qualities.push(quality);
        }
    }
    let (mut width, mut height) = (width.max(1.0) as u32, height.max(1.0) as u32);
    loop {
        let resized = image.resize_exact(width, height, FilterType::Lanczos3);
        let candidates = std::iter::once(("image/png", None)).chain(
            qualities
                .iter()
                .map(|quality| ("image/jpeg", Some(*quality))),
        );
        for (candidate_mime, quality) in candidates {
            let encoded = match quality {
                None => encode_png(&resized),
                Some(quality) => encode_jpeg(&resized, quality),
            };
            let Some(encoded) = encoded else { continue };
            if base64_len(encoded.len()) < options.max_bytes {
                return Some(ResizedImage {
                    data: base64::engine::general_purpose::STANDARD.encode(&encoded),
                    mime_type: candidate_mime.to_string(),
                    original_width,
                    original_height,
                    width,
                    height,
                    was_resized: true,
                });
            }
        }
        if width == 1 && height == 1 {
            return None;
        }
        let shrink = |side: u32| {
            if side == 1 {
                1
            } else {
                ((f64::from(side) * 0.75).floor() as u32).max(1)
            }
        };
        let (next_width, next_height) = (shrink(width), shrink(height));
        if (next_width, next_height) == (width, height) {
            return None;
        }
        (width, height) = (next_width, next_height);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_magic() {
        assert_eq!(
            detect_image_mime(&[0xff, 0xd8, 0xff, 0xe0]),
            Some("image/jpeg")
        );
        assert_eq!(detect_image_mime(&[0xff, 0xd8, 0xff, 0xf7]), None);
        assert_eq!(detect_image_mime(b"GIF89a......"), Some("image/gif"));
        assert_eq!(detect_image_mime(b"GIF is not an image"), None);
        assert_eq!(
            detect_image_mime(b"RIFF\0\0\0\0WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(detect_image_mime(b"plain text"), None);
    }

    #[test]
    fn dimension_note_uses_two_decimals() {
        let resized = ResizedImage {
            data: String::new(),
            mime_type: "image/png".into(),
            original_width: 4500,
            original_height: 100,
            width: 4000,
            height: 89,
            was_resized: true,
        };
        assert_eq!(
            resized.dimension_note().unwrap(),
            "[Image: original 4500x100, displayed at 4000x89. Multiply coordinates by 1.13 to map to original image.]"
        );
    }
}
