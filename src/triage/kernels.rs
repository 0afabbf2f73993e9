//! The innermost loops of triage: adding scaled rows of bytes into a vector of floats (the
//! linear model's weights, the sentence vectors' tables) and dot products of floats (the
//! class centroids). Together they are about a third of a message's triage time.
//!
//! Each is written once and compiled twice: for the baseline x86-64 instruction set (SSE2,
//! four floats at a time, and bytes widened to floats in several steps) and for AVX2
//! (eight at a time, bytes widened in one instruction), chosen when the process runs on a
//! CPU that has it. Both compilations do the same arithmetic in the same order (Rust never
//! fuses a multiply and an add on its own), so a message gets the same scores to the bit on
//! any machine.

/// A byte read as a signed value: the weight tables are stored as `i8` (the linear model)
/// or as raw bytes of a file that hold `i8` values (the sentence vector tables).
pub(crate) trait SignedByte: Copy {
    fn value(self) -> f32;
}

impl SignedByte for i8 {
    #[inline(always)]
    fn value(self) -> f32 {
        self as f32
    }
}

impl SignedByte for u8 {
    #[inline(always)]
    fn value(self) -> f32 {
        self as i8 as f32
    }
}

/// True when the CPU runs AVX2 (checked once by the standard library, then cached).
#[inline]
pub(crate) fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Defines a function whose body is compiled twice, for the baseline instruction set and
/// for AVX2, and that runs the AVX2 copy when the CPU has it: `$name` is the entry point,
/// `$avx2` and `$plain` the two copies (the plain one inlined into both, so that both are
/// the same arithmetic in the same order). Generic parameters go in square brackets.
macro_rules! compiled_twice {
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident / $avx2:ident / $plain:ident
            [$($generics:tt)*] ($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)?
        $body:block
    ) => {
        $(#[$attr])*
        $vis fn $name<$($generics)*>($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            if $crate::triage::kernels::has_avx2() {
                // SAFETY: the function only needs AVX2, which the CPU was just found to
                // have.
                return unsafe { $avx2($($arg),*) };
            }
            $plain($($arg),*)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        fn $avx2<$($generics)*>($($arg: $ty),*) $(-> $ret)? {
            $plain($($arg),*)
        }

        #[inline(always)]
        fn $plain<$($generics)*>($($arg: $ty),*) $(-> $ret)? $body
    };
}
pub(crate) use compiled_twice;

compiled_twice! {
    /// `acc[i] += s * row[i]` for each `(s, row)` of `rows`, over the shorter of `acc` and
    /// each row.
    pub(crate) fn add_scaled_rows / add_scaled_rows_avx2 / add_scaled_rows_plain
        ['a, B: SignedByte + 'a] (acc: &mut [f32], rows: impl Iterator<Item = (f32, &'a [B])>)
    {
        for (s, row) in rows {
            for (a, &b) in acc.iter_mut().zip(row) {
                *a += s * b.value();
            }
        }
    }
}

compiled_twice! {
    /// The dot product of `q` with each row of `rows` (consecutive runs of `q.len()`
    /// floats; a shorter last run is left out). Each is summed in 8 independent lanes so
    /// that the compiler vectorises it (a plain `sum` must add in order, one value at a
    /// time): the class centroids' cosines were a sixth of a message's triage time summed
    /// in order.
    pub(crate) fn dots / dots_avx2 / dots_plain [] (rows: &[f32], q: &[f32]) -> Vec<f32> {
        if q.is_empty() {
            return Vec::new();
        }
        rows.chunks_exact(q.len()).map(|row| dot_in_lanes(row, q)).collect()
    }
}

/// The highest `dot(q, row) * scales[r]` over the rows `r` of `rows` in `table`
/// (consecutive runs of `q.len()` bytes, every value within ±127), or -1 when `rows` is
/// empty. The byte products are summed exactly in 32 bits, so the AVX2 version (written
/// with its byte multiply-add instructions: the compiler widened the bytes to 32 bits
/// first and took four times as long) and the plain one agree to the bit.
pub(crate) fn best_scaled_dot(q: &[i8], table: &[i8], scales: &[f32], rows: &[u32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the function only needs AVX2, which the CPU was just found to have.
        return unsafe { best_scaled_dot_avx2(q, table, scales, rows) };
    }
    best_scaled_dot_with(q, table, scales, rows, byte_dot_in_lanes)
}

#[inline(always)]
fn best_scaled_dot_with(
    q: &[i8],
    table: &[i8],
    scales: &[f32],
    rows: &[u32],
    dot: impl Fn(&[i8], &[i8]) -> i32,
) -> f32 {
    let dim = q.len();
    let mut best = -1f32;
    for &r in rows {
        let r = r as usize;
        let s = dot(q, &table[r * dim..(r + 1) * dim]) as f32 * scales[r];
        if s > best {
            best = s;
        }
    }
    best
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn best_scaled_dot_avx2(q: &[i8], table: &[i8], scales: &[f32], rows: &[u32]) -> f32 {
    best_scaled_dot_with(q, table, scales, rows, |a, b| byte_dot_avx2(a, b))
}

/// `byte_dot_in_lanes` with AVX2's byte multiply-add: `maddubs` multiplies unsigned by
/// signed bytes, so `|a|` is multiplied by `b` carrying `a`'s sign; two products of
/// values within ±127 fit the 16-bit sums it makes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn byte_dot_avx2(a: &[i8], b: &[i8]) -> i32 {
    use std::arch::x86_64::*;
    let n = a.len().min(b.len());
    let whole = n / 32 * 32;
    let ones = _mm256_set1_epi16(1);
    let mut acc = _mm256_setzero_si256();
    let mut i = 0;
    while i < whole {
        // SAFETY: `i + 32 <= n`, within both slices; unaligned loads are allowed.
        let (x, y) = unsafe {
            (
                _mm256_loadu_si256(a.as_ptr().add(i) as *const __m256i),
                _mm256_loadu_si256(b.as_ptr().add(i) as *const __m256i),
            )
        };
        let pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, ones));
        i += 32;
    }
    let mut lanes = [0i32; 8];
    // SAFETY: `lanes` holds exactly 32 bytes.
    unsafe { _mm256_storeu_si256(lanes.as_mut_ptr() as *mut __m256i, acc) };
    let tail: i32 = a[whole..n]
        .iter()
        .zip(&b[whole..n])
        .map(|(&x, &y)| x as i32 * y as i32)
        .sum();
    lanes.iter().sum::<i32>() + tail
}

/// Dot product of two byte vectors in 32 independent lanes, so that the compiler
/// vectorises it.
#[inline(always)]
pub(crate) fn byte_dot_in_lanes(a: &[i8], b: &[i8]) -> i32 {
    const LANES: usize = 32;
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: i32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(&x, &y)| x as i32 * y as i32)
        .sum();
    let mut lanes = [0i32; LANES];
    for (x, y) in ca.zip(cb) {
        for j in 0..LANES {
            lanes[j] += x[j] as i32 * y[j] as i32;
        }
    }
    lanes.iter().sum::<i32>() + tail
}

#[inline(always)]
fn dot_in_lanes(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 8;
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    let mut lanes = [0f32; LANES];
    for (x, y) in ca.zip(cb) {
        for j in 0..LANES {
            lanes[j] += x[j] * y[j];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::classifier::Rng;

    fn numbers(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = Rng(seed);
        (0..n)
            .map(|_| rng.below(20_001) as f32 / 10_000.0 - 1.0)
            .collect()
    }

    #[test]
    fn dots_match_the_plain_sums_and_both_compilations_agree_to_the_bit() {
        for n in [1, 7, 8, 9, 150, 384, 1001] {
            let (q, rows) = (numbers(n, 1), numbers(3 * n + n / 2, 2));
            let got = dots(&rows, &q);
            assert_eq!(got.len(), 3, "{n}: a shorter last run is left out");
            for (row, d) in rows.chunks_exact(n).zip(&got) {
                let plain: f32 = row.iter().zip(&q).map(|(x, y)| x * y).sum();
                assert!((d - plain).abs() < 1e-3, "{n}");
            }
            let baseline: Vec<u32> = dots_plain(&rows, &q).iter().map(|d| d.to_bits()).collect();
            let chosen: Vec<u32> = got.iter().map(|d| d.to_bits()).collect();
            assert_eq!(chosen, baseline, "{n}");
        }
        assert!(dots(&[1.0, 2.0], &[]).is_empty());
    }

    #[test]
    fn the_best_scaled_byte_dot_is_the_plain_one_among_the_rows_asked_for() {
        let dim = 70;
        // Every value within ±127, as quantised vectors are; 70 = two runs of 32 and a tail.
        let q: Vec<i8> = (0..dim)
            .map(|i| (((i * 53 + 7) % 255) as i32 - 127) as i8)
            .collect();
        let mut table: Vec<i8> = (0..dim * 5)
            .map(|i| (((i * 29 + 3) % 255) as i32 - 127) as i8)
            .collect();
        // The extreme row: every product at the largest magnitude.
        table.extend(q.iter().map(|&v| if v < 0 { -127 } else { 127 }));
        let scales = [0.5f32, 2.0, 0.25, 1.0, 3.0, 0.001];
        let plain = |r: usize| -> f32 {
            let row = &table[r * dim..(r + 1) * dim];
            let d: i32 = q.iter().zip(row).map(|(&x, &y)| x as i32 * y as i32).sum();
            d as f32 * scales[r]
        };
        for rows in [vec![0u32, 2, 5], vec![4], vec![1, 3], (0..6).collect()] {
            let want = rows
                .iter()
                .map(|&r| plain(r as usize))
                .fold(-1f32, f32::max);
            let got = best_scaled_dot(&q, &table, &scales, &rows);
            assert_eq!(got.to_bits(), want.to_bits(), "{rows:?}");
            let baseline = best_scaled_dot_with(&q, &table, &scales, &rows, byte_dot_in_lanes);
            assert_eq!(got.to_bits(), baseline.to_bits(), "{rows:?}");
        }
        assert_eq!(best_scaled_dot(&q, &table, &scales, &[]), -1.0);
        // Products at the largest magnitude, paired as the multiply-add pairs them, do
        // not saturate its 16-bit sums.
        let edge: Vec<i8> = (0..64)
            .map(|i| if i % 3 == 0 { -127 } else { 127 })
            .collect();
        let got = best_scaled_dot(&edge, &edge, &[1.0], &[0]);
        assert_eq!(got, (64 * 127 * 127) as f32);
    }

    #[test]
    fn scaled_rows_add_up_as_written_for_signed_and_raw_bytes() {
        let rows: Vec<Vec<i8>> = (0..5)
            .map(|r| (0..151).map(|i| ((i * 37 + r * 11) % 255) as i8).collect())
            .collect();
        let scales = [0.5f32, -1.25, 0.003, 2.0, -0.75];
        let mut expected = numbers(151, 3);
        let start = expected.clone();
        for (s, row) in scales.iter().zip(&rows) {
            for (e, &b) in expected.iter_mut().zip(row) {
                *e += s * b as f32;
            }
        }
        let mut signed = start.clone();
        add_scaled_rows(
            &mut signed,
            scales.iter().copied().zip(rows.iter().map(|r| &r[..])),
        );
        assert_eq!(signed, expected);
        // The same values as the raw bytes of a table file.
        let raw: Vec<Vec<u8>> = rows
            .iter()
            .map(|r| r.iter().map(|&b| b as u8).collect())
            .collect();
        let mut bytes = start.clone();
        add_scaled_rows(
            &mut bytes,
            scales.iter().copied().zip(raw.iter().map(|r| &r[..])),
        );
        assert_eq!(bytes, expected);
        let mut plain = start;
        add_scaled_rows_plain(
            &mut plain,
            scales.iter().copied().zip(raw.iter().map(|r| &r[..])),
        );
        assert_eq!(plain, expected);
    }
}
