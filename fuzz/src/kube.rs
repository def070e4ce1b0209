//! Target 4: the Kubernetes YAML reader and validator, and YAML completion
//! and hover at an offset. The first two bytes pick the offset (snapped to
//! a character boundary, as the language server's position conversion
//! does); the rest is the file.

use quadlet_ls::kube::{self, yaml, Options};

pub fn run(data: &[u8]) {
    let (at, text) = match data {
        [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), rest),
        _ => (0, data),
    };
    let text = String::from_utf8_lossy(text);
    let opts = Options::default();
    let y = yaml::parse(&text);
    let _ = yaml::comments(&text, &y);
    for d in kube::check_yaml(&text, &opts) {
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "{} at {:?} outside the text",
            d.code,
            d.span
        );
    }
    let _ = kube::container_ports(&text);
    let mut offset = at % (text.len() + 1);
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let _ = kube::completions(&text, offset, &opts);
    if let Some(h) = kube::hover(&text, offset, &opts) {
        assert!(h.span.end <= text.len(), "hover span outside the text");
    }
}
