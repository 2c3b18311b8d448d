//! The unmastered mix between passes: f32 frames in an unnamed temporary file (removed by
//! the system when closed, even after a kill), read back block by block at any offset.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

pub struct Scratch {
    dir: PathBuf,
    file: File,
    writer: Option<BufWriter<File>>,
    channel_count: usize,
    frames: usize,
}

impl Scratch {
    /// An empty scratch file of `channel_count` channels in `dir` (default: the system's
    /// temporary folder).
    pub fn new(dir: Option<&Path>, channel_count: usize) -> Result<Scratch> {
        let dir = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let file = tempfile::tempfile_in(&dir).map_err(|e| Error::io(&dir, e))?;
        let writer = file.try_clone().map_err(|e| Error::io(&dir, e))?;
        Ok(Scratch {
            dir,
            file,
            writer: Some(BufWriter::with_capacity(1 << 20, writer)),
            channel_count,
            frames: 0,
        })
    }

    /// Another scratch file in the same folder.
    pub fn sibling(&self, channel_count: usize) -> Result<Scratch> {
        Scratch::new(Some(&self.dir), channel_count)
    }

    /// Streams every frame of `channels`, a block at a time.
    pub fn for_each_block(
        &mut self,
        block_frames: usize,
        channels: Range<usize>,
        f: &mut dyn FnMut(&[&[f32]]) -> Result<()>,
    ) -> Result<()> {
        for start in (0..self.frames).step_by(block_frames) {
            let len = block_frames.min(self.frames - start);
            let block = self.read(start as i64, len, channels.clone())?;
            let refs: Vec<&[f32]> = block.iter().map(Vec::as_slice).collect();
            f(&refs)?;
        }
        Ok(())
    }

    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Appends a block: one slice per channel, all the same length.
    pub fn append(&mut self, channels: &[&[f32]]) -> Result<()> {
        assert_eq!(channels.len(), self.channel_count, "scratch channel count");
        let writer = self
            .writer
            .as_mut()
            .expect("no appends after the first read");
        let frames = channels.first().map_or(0, |c| c.len());
        let mut bytes = Vec::with_capacity(frames * self.channel_count * 4);
        for i in 0..frames {
            for ch in channels {
                bytes.extend_from_slice(&ch[i].to_le_bytes());
            }
        }
        writer.write_all(&bytes).map_err(scratch_error)?;
        self.frames += frames;
        Ok(())
    }

    /// Frames `start..start + len` of `channels` (silence outside the track). The first read
    /// ends the appends.
    pub fn read(
        &mut self,
        start: i64,
        len: usize,
        channels: Range<usize>,
    ) -> Result<Vec<Vec<f32>>> {
        if let Some(mut w) = self.writer.take() {
            w.flush().map_err(scratch_error)?;
        }
        let mut out = vec![vec![0.0f32; len]; channels.len()];
        let first = start.max(0) as usize;
        let end = (start + len as i64).clamp(0, self.frames as i64) as usize;
        if first >= end {
            return Ok(out);
        }
        let stride = self.channel_count * 4;
        let mut bytes = vec![0u8; (end - first) * stride];
        self.file
            .read_exact_at(&mut bytes, (first * stride) as u64)
            .map_err(scratch_error)?;
        let offset = (first as i64 - start) as usize;
        for (k, frame) in bytes.chunks_exact(stride).enumerate() {
            for (o, ch) in out.iter_mut().zip(channels.clone()) {
                let b = &frame[ch * 4..ch * 4 + 4];
                o[offset + k] = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
        }
        Ok(out)
    }
}

fn scratch_error(e: std::io::Error) -> Error {
    Error::Audio(format!(
        "the mix's scratch file: {e} (is the output's disk full?)"
    ))
}
