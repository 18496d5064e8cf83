//! QR codes as inline SVG, drawn on the server (no bytes in the browser bundle).

use qrcodegen::{QrCode, QrCodeEcc};

/// An SVG QR code of `text`, or `None` if it is too long to encode.
pub fn svg(text: &str) -> Option<String> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let border = 2;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"200\" height=\"200\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_a_shop_url() {
        let svg = super::svg("https://shop.example.com/cart").expect("fits");
        assert!(svg.starts_with("<svg"));
        assert!(svg.matches('M').count() > 100, "has modules");
        assert!(super::svg(&"x".repeat(5000)).is_none());
    }
}
