//! Neural models run with candle, on the CPU. Generators call them through plain Rust types
//! (phoneme ids in, samples out); nothing outside this module touches a tensor.

pub mod bert;
pub mod hibari;
pub mod int8;
pub mod llm;
pub mod onnx;
pub mod oov;
pub(crate) mod vector;
pub mod vits;
pub mod voice;
pub mod whisper;

/// `dst (rows × n) += a (rows × k) · b (k × n)`, row-major; `a` and `b` contiguous, `dst`'s
/// rows `dst_rs` apart. The one matrix product the hand-written networks (VITS, hibari) use.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm_acc(
    rows: usize,
    n: usize,
    k: usize,
    dst: &mut [f32],
    dst_rs: usize,
    a: &[f32],
    b: &[f32],
    parallelism: gemm::Parallelism,
) {
    assert!(a.len() >= rows * k && b.len() >= k * n && dst_rs >= n);
    assert!(rows == 0 || dst.len() >= (rows - 1) * dst_rs + n);
    // SAFETY: the asserts above bound every index the GEMM touches; the slices do not alias.
    unsafe {
        gemm::gemm(
            rows,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            dst_rs as isize,
            true,
            a.as_ptr(),
            1,
            k as isize,
            b.as_ptr(),
            1,
            n as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
}
