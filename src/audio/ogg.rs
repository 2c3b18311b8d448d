//! Ogg pages (RFC 3533), the container of an Opus file: a logical stream of packets cut into
//! pages of at most 255 segments, each page with a header, a lacing table and a CRC.
//!
//! A packet is laced as 255-byte segments and one shorter last segment (0 bytes when the
//! packet is a multiple of 255 long): a lacing value under 255 ends a packet. A packet that
//! does not fit the page goes on in the next, which says so in its header. Each page states
//! the granule position (for Opus, 48 kHz samples) at the end of the last packet that ends
//! on it, or -1 when none does.

use std::io::{self, Write};

/// The CRC-32 of Ogg pages: polynomial 0x04C11DB7, most significant bit first, starting
/// from 0 and not inverted at the end (zlib's CRC-32 is the bit-reversed one, and inverts).
pub fn crc32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0, |crc, &b| {
        (crc << 8) ^ CRC_TABLE[usize::from((crc >> 24) as u8 ^ b)]
    })
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut r = (i as u32) << 24;
        let mut bit = 0;
        while bit < 8 {
            r = if r & 0x8000_0000 != 0 {
                (r << 1) ^ 0x04C1_1DB7
            } else {
                r << 1
            };
            bit += 1;
        }
        table[i] = r;
        i += 1;
    }
    table
};

/// The granule position of a page on which no packet ends.
const NO_GRANULE: u64 = u64::MAX;

/// Lacing values a page holds at most.
const MAX_SEGMENTS: usize = 255;

/// One logical Ogg stream being written to `out`, page by page. Packets go on the current
/// page; [`end_page`](OggWriter::end_page) writes it out, and so does a packet that needs
/// more than 255 segments in all.
pub struct OggWriter<W: Write> {
    out: W,
    serial: u32,
    sequence: u32,
    /// The page being filled.
    lacing: Vec<u8>,
    body: Vec<u8>,
    /// The granule position of the last packet that ends on the page.
    granule: Option<u64>,
    /// The page starts with the rest of a packet begun on the page before.
    continued: bool,
    /// No page is written yet: the next is the first of the stream.
    first: bool,
}

impl<W: Write> OggWriter<W> {
    /// A stream with this serial number (unique among the streams of a file).
    pub fn new(out: W, serial: u32) -> OggWriter<W> {
        OggWriter {
            out,
            serial,
            sequence: 0,
            lacing: Vec::with_capacity(MAX_SEGMENTS),
            body: Vec::new(),
            granule: None,
            continued: false,
            first: true,
        }
    }

    /// Adds a packet that ends at `granule`.
    pub fn packet(&mut self, data: &[u8], granule: u64) -> io::Result<()> {
        let mut rest = data;
        let mut begun = false;
        loop {
            if self.lacing.len() == MAX_SEGMENTS {
                self.write_page(false)?;
                self.continued = begun;
            }
            let n = rest.len().min(255);
            self.lacing.push(n as u8);
            self.body.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            begun = true;
            if n < 255 {
                break;
            }
        }
        self.granule = Some(granule);
        Ok(())
    }

    /// Writes out the current page if it holds anything; `last` marks it the end of the
    /// stream (written even when empty, so that a stream always has an end).
    pub fn end_page(&mut self, last: bool) -> io::Result<()> {
        if self.lacing.is_empty() && !last {
            return Ok(());
        }
        self.write_page(last)?;
        self.continued = false;
        Ok(())
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    fn write_page(&mut self, last: bool) -> io::Result<()> {
        let flags = u8::from(self.continued) | (u8::from(self.first) << 1) | (u8::from(last) << 2);
        let mut page = Vec::with_capacity(27 + self.lacing.len() + self.body.len());
        page.extend_from_slice(b"OggS");
        page.push(0); // version
        page.push(flags);
        page.extend_from_slice(&self.granule.unwrap_or(NO_GRANULE).to_le_bytes());
        page.extend_from_slice(&self.serial.to_le_bytes());
        page.extend_from_slice(&self.sequence.to_le_bytes());
        page.extend_from_slice(&[0; 4]); // the CRC, computed with these bytes zero
        page.push(self.lacing.len() as u8);
        page.extend_from_slice(&self.lacing);
        page.extend_from_slice(&self.body);
        let crc = crc32(&page);
        page[22..26].copy_from_slice(&crc.to_le_bytes());
        self.out.write_all(&page)?;
        self.sequence += 1;
        self.first = false;
        self.lacing.clear();
        self.body.clear();
        self.granule = None;
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A page's fields: flags, granule position, sequence number, lacing values, body.
    pub(crate) struct Page {
        pub flags: u8,
        pub granule: u64,
        pub sequence: u32,
        pub lacing: Vec<u8>,
        pub body: Vec<u8>,
    }

    /// The packets of `pages`, joined across page boundaries.
    pub(crate) fn packets(pages: &[Page]) -> Vec<Vec<u8>> {
        let mut packets = Vec::new();
        let mut packet = Vec::new();
        for page in pages {
            let mut at = 0;
            for &l in &page.lacing {
                packet.extend_from_slice(&page.body[at..at + usize::from(l)]);
                at += usize::from(l);
                if l < 255 {
                    packets.push(std::mem::take(&mut packet));
                }
            }
        }
        assert!(packet.is_empty(), "the last packet is unfinished");
        packets
    }

    /// Splits `bytes` into pages, checking each one's capture pattern, serial and CRC.
    pub(crate) fn pages(bytes: &[u8], serial: u32) -> Vec<Page> {
        let mut pages = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let p = &bytes[at..];
            assert_eq!(&p[..5], b"OggS\0", "page at byte {at}");
            let n = usize::from(p[26]);
            let lacing = p[27..27 + n].to_vec();
            let body_len: usize = lacing.iter().map(|&l| usize::from(l)).sum();
            let len = 27 + n + body_len;
            let mut zeroed = p[..len].to_vec();
            zeroed[22..26].fill(0);
            let crc = u32::from_le_bytes(p[22..26].try_into().unwrap());
            assert_eq!(crc32(&zeroed), crc, "CRC of the page at byte {at}");
            assert_eq!(u32::from_le_bytes(p[14..18].try_into().unwrap()), serial);
            pages.push(Page {
                flags: p[5],
                granule: u64::from_le_bytes(p[6..14].try_into().unwrap()),
                sequence: u32::from_le_bytes(p[18..22].try_into().unwrap()),
                lacing,
                body: p[27 + n..len].to_vec(),
            });
            at += len;
        }
        pages
    }

    #[test]
    fn the_crc_is_ogg_s() {
        // CRC-32/CKSUM (the same polynomial, not reflected, from 0) inverts its result;
        // its check value for "123456789" is 0x765E7680.
        assert_eq!(crc32(b"123456789"), !0x765E_7680);
        assert_eq!(crc32(b""), 0);
        // And symphonia's, which its Ogg reader checks pages with, agrees on any bytes.
        let bytes: Vec<u8> = (0..10_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let mut theirs = symphonia::core::checksum::Crc32::new(0);
        symphonia::core::io::Monitor::process_buf_bytes(&mut theirs, &bytes);
        assert_eq!(crc32(&bytes), theirs.crc());
    }

    #[test]
    fn packets_are_laced_and_split_across_pages() {
        let mut w = OggWriter::new(Vec::new(), 7);
        // 255 bytes need a 0 after their one 255 value; 254 and 0 bytes are one value each.
        w.packet(&[1; 255], 10).unwrap();
        w.packet(&[2; 254], 20).unwrap();
        w.packet(&[], 30).unwrap();
        w.end_page(false).unwrap();
        // 300 segments' worth: the first page is full (255 values, no packet ends on it,
        // granule -1), the rest continues on the next, which ends the stream.
        w.packet(&vec![3; 255 * 299 + 17], 40).unwrap();
        w.end_page(true).unwrap();
        let bytes = w.into_inner();
        let p = pages(&bytes, 7);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].lacing, [255, 0, 254, 0]);
        assert_eq!(p[0].body.len(), 255 + 254);
        assert_eq!((p[0].flags, p[0].granule, p[0].sequence), (2, 30, 0));
        assert_eq!(p[1].lacing, [255; 255]);
        assert_eq!((p[1].flags, p[1].granule, p[1].sequence), (0, u64::MAX, 1));
        let mut rest = vec![255u8; 44];
        rest.push(17);
        assert_eq!(p[2].lacing, rest);
        assert_eq!((p[2].flags, p[2].granule, p[2].sequence), (1 | 4, 40, 2));
        assert_eq!(p[1].body.len() + p[2].body.len(), 255 * 299 + 17);
    }

    #[test]
    fn a_packet_filling_a_page_exactly_leaves_the_next_page_unflagged() {
        let mut w = OggWriter::new(Vec::new(), 1);
        // 254 full segments and a short one: exactly 255 values, the packet ends here.
        w.packet(&vec![9; 254 * 255 + 3], 5).unwrap();
        w.packet(&[8; 10], 6).unwrap();
        w.end_page(true).unwrap();
        let p = pages(&w.into_inner(), 1);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].lacing.len(), 255);
        assert_eq!((p[0].flags, p[0].granule), (2, 5));
        assert_eq!(p[1].lacing, [10]);
        assert_eq!((p[1].flags, p[1].granule), (4, 6), "not a continuation");
    }
}
