//! The ID3v2 tag at the start of an MP3 file: the title (`TIT2`), the encoder (`TSSE`), and
//! chapters as the ID3v2 Chapter Frame Addendum has them: one `CHAP` frame per chapter (start
//! and end in milliseconds, its title in an embedded `TIT2`), listed in playing order by one
//! top-level, ordered `CTOC` frame. Podcast players, ffmpeg and tag editors read them.
//!
//! The tag is built before any audio is encoded (the chapters come from the timeline, which is
//! fixed before mixing), so a streamed MP3 can start with it.

use ::id3::frame::{Chapter as ChapFrame, Frame, TableOfContents};
use ::id3::{Tag, TagLike, Version};

use crate::audio::Chapter;
use crate::{Error, Result};

/// What the ID3v2 tag says about the track.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Id3Tags {
    /// `TIT2`. Empty: no title frame.
    pub title: String,
    /// One `CHAP` frame each, in playing order, and a `CTOC` listing them. Empty: no chapter
    /// frames at all.
    pub chapters: Vec<Chapter>,
    /// `TSSE`, the software and settings that encoded the audio. Empty: no such frame.
    pub encoder: String,
    /// `COMM` (English, no description): the credits of the recordings used. Empty: no
    /// comment frame.
    pub comment: String,
}

/// Element id of the table of contents (`CTOC`); chapters are `chp0`, `chp1`, ….
const TOC_ID: &str = "toc";

/// "No byte offset": chapter times, not file offsets, say where a chapter is.
const NO_OFFSET: u32 = u32::MAX;

/// Milliseconds from the track's start, as `CHAP` frames hold them.
fn ms(t_s: f64) -> u32 {
    (t_s.max(0.0) * 1000.0).round().min(f64::from(u32::MAX - 1)) as u32
}

impl Id3Tags {
    /// The tag as bytes, ID3v2.3: the version players (and Windows, and older iTunes)
    /// read most widely, and the one the chapter addendum was first written for.
    ///
    /// Chapters must be in playing order, each ending after it starts and no later than the
    /// next one starts; otherwise an [`Error::Audio`] names the chapter.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut tag = Tag::new();
        if !self.title.is_empty() {
            tag.set_title(self.title.clone());
        }
        if !self.encoder.is_empty() {
            tag.add_frame(Frame::text("TSSE", self.encoder.clone()));
        }
        if !self.comment.is_empty() {
            tag.add_frame(id3::frame::Comment {
                lang: "eng".to_string(),
                description: String::new(),
                text: self.comment.clone(),
            });
        }
        let mut previous_end_ms = 0;
        let mut elements = Vec::with_capacity(self.chapters.len());
        for (i, chapter) in self.chapters.iter().enumerate() {
            let (start_time, end_time) = (ms(chapter.start_s), ms(chapter.end_s));
            if start_time < previous_end_ms || end_time <= start_time {
                return Err(Error::Audio(format!(
                    "chapter {} \"{}\" ({start_time}..{end_time} ms) overlaps the one before it or ends before it starts; chapters must follow one another",
                    i + 1,
                    chapter.title
                )));
            }
            previous_end_ms = end_time;
            let element_id = format!("chp{i}");
            elements.push(element_id.clone());
            tag.add_frame(ChapFrame {
                element_id,
                start_time,
                end_time,
                start_offset: NO_OFFSET,
                end_offset: NO_OFFSET,
                frames: vec![Frame::text("TIT2", chapter.title.clone())],
            });
        }
        if !elements.is_empty() {
            tag.add_frame(TableOfContents {
                element_id: TOC_ID.into(),
                top_level: true,
                ordered: true,
                elements,
                frames: Vec::new(),
            });
        }
        let mut bytes = Vec::new();
        tag.write_to(&mut bytes, Version::Id3v23)
            .map_err(|e| Error::Audio(format!("ID3 tag: {e}")))?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(title: &str, start_s: f64, end_s: f64) -> Chapter {
        Chapter {
            title: title.into(),
            start_s,
            end_s,
        }
    }

    #[test]
    fn tag_reads_back_with_title_chapters_and_table_of_contents() {
        let tags = Id3Tags {
            title: "Mars News – Ausgabe für Übersee".into(),
            chapters: vec![
                chapter("Headlines", 0.0, 12.3456),
                chapter("Weather on Olympus Mons", 12.3456, 40.0),
            ],
            encoder: "onair test".into(),
            comment: "\"Horse\" by dobroide. CC-BY-3.0.".into(),
        };
        let bytes = tags.to_bytes().unwrap();
        assert_eq!(&bytes[..4], b"ID3\x03", "an ID3v2.3 header");
        let tag = Tag::read_from2(std::io::Cursor::new(&bytes)).unwrap();
        assert_eq!(tag.title(), Some(tags.title.as_str()));
        assert_eq!(
            tag.get("TSSE").and_then(|f| f.content().text()),
            Some("onair test")
        );
        let comments: Vec<_> = tag.comments().map(|c| c.text.as_str()).collect();
        assert_eq!(comments, ["\"Horse\" by dobroide. CC-BY-3.0."]);
        let chapters: Vec<_> = tag.chapters().collect();
        assert_eq!(chapters.len(), 2);
        assert_eq!((chapters[0].start_time, chapters[0].end_time), (0, 12_346));
        assert_eq!(
            (chapters[1].start_time, chapters[1].end_time),
            (12_346, 40_000)
        );
        let title = |c: &ChapFrame| c.frames[0].content().text().unwrap().to_owned();
        assert_eq!(title(chapters[1]), "Weather on Olympus Mons");
        let toc: Vec<_> = tag.tables_of_contents().collect();
        assert_eq!(toc.len(), 1);
        assert!(toc[0].top_level && toc[0].ordered);
        assert_eq!(toc[0].elements, ["chp0", "chp1"]);
    }

    #[test]
    fn without_chapters_there_are_no_chapter_frames() {
        let tags = Id3Tags {
            title: "Plain".into(),
            ..Id3Tags::default()
        };
        let tag = Tag::read_from2(std::io::Cursor::new(tags.to_bytes().unwrap())).unwrap();
        assert_eq!(tag.title(), Some("Plain"));
        assert_eq!(tag.chapters().count(), 0);
        assert_eq!(tag.tables_of_contents().count(), 0);
    }

    #[test]
    fn chapters_out_of_order_are_refused() {
        let tags = Id3Tags {
            chapters: vec![chapter("B", 5.0, 9.0), chapter("A", 1.0, 5.0)],
            ..Id3Tags::default()
        };
        let e = tags.to_bytes().unwrap_err().to_string();
        assert!(e.contains("chapter 2 \"A\""), "{e}");
        let empty = Id3Tags {
            chapters: vec![chapter("A", 1.0, 1.0)],
            ..Id3Tags::default()
        };
        assert!(empty.to_bytes().is_err());
    }
}
