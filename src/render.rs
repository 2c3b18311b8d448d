//! Render pipeline.
