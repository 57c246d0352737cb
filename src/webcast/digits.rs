//! Decimal digits written into byte buffers of a fixed size, for the texts
//! written on every event (ids, timestamps): `itoa`'s text is written into
//! its own buffer and then copied, one `memcpy` call per number, where these
//! write each digit pair where it belongs.

/// The two ASCII digits of every number below 100 (`PAIRS[7]` is `b"07"`).
pub const PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    pairs
};

/// The longest text [`put_u64`] writes: `u64::MAX` has 20 digits.
pub const U64_DIGITS: usize = 20;

/// The eight decimal digits of `n` (below 10^8, zero-padded), as the bytes
/// of a little-endian word: the first digit in the lowest byte. Worked out
/// in all lanes of the word at once: `n` split into two 4-digit halves
/// (32-bit lanes), each into two 2-digit quarters (16-bit lanes), each into
/// its two digits (bytes), divisions by 100 and 10 being a multiplication
/// and a shift that are exact for these ranges (below 10^4, below 100).
#[inline]
fn eight_digits(n: u32) -> u64 {
    let x = u64::from(n / 10_000) | u64::from(n % 10_000) << 32;
    let hundreds = ((x * 5243) >> 19) & 0x0000_007f_0000_007f;
    let x = hundreds | (x - hundreds * 100) << 16;
    let tens = ((x * 103) >> 10) & 0x000f_000f_000f_000f;
    let x = tens | (x - tens * 10) << 8;
    x | 0x3030_3030_3030_3030
}

/// Write the last `len` (1 to 8) of the eight digits of `n` at `at`, and
/// zeros up to `at + 8`.
#[inline]
fn put_top(buf: &mut [u8; U64_DIGITS], at: usize, n: u32, len: usize) {
    let digits = eight_digits(n) >> (8 * (8 - len));
    buf[at..at + 8].copy_from_slice(&digits.to_le_bytes());
}

/// How many digits `n` has (1 for zero).
#[inline]
fn len_u32(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// Write `v` in decimal (no sign, no leading zeros; `0` for zero) at the
/// start of `buf` and return how many bytes that took (1 to 20). The bytes
/// after them, up to the 8th byte of `buf`, are overwritten with zeros; the
/// rest are left as they were. Eight digits at a time
/// ([`eight_digits`]): message ids have 19.
#[inline(always)]
pub fn put_u64(buf: &mut [u8; U64_DIGITS], v: u64) -> usize {
    const E8: u64 = 100_000_000;
    if v < E8 {
        let len = len_u32(v as u32);
        put_top(buf, 0, v as u32, len);
        return len;
    }
    let low = (v % E8) as u32;
    let high = v / E8;
    let len = if high < E8 {
        let top = len_u32(high as u32);
        put_top(buf, 0, high as u32, top);
        top + 8
    } else {
        let top = (high / E8) as u32;
        let top_len = len_u32(top);
        put_top(buf, 0, top, top_len);
        let mid = (high % E8) as u32;
        buf[top_len..top_len + 8].copy_from_slice(&eight_digits(mid).to_le_bytes());
        top_len + 16
    };
    buf[len - 8..len].copy_from_slice(&eight_digits(low).to_le_bytes());
    len
}

/// Write `v` in decimal (`-` first when negative) at the start of `buf`
/// (see [`put_u64`]) and return its length (1 to 20).
#[inline]
pub fn put_i64(buf: &mut [u8; U64_DIGITS + 1], v: i64) -> usize {
    let sign = usize::from(v < 0);
    buf[0] = b'-';
    let digits: &mut [u8; U64_DIGITS] = (&mut buf[sign..sign + U64_DIGITS])
        .try_into()
        .expect("20 bytes");
    sign + put_u64(digits, v.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_to_string_writes() {
        let mut values: Vec<i64> = vec![0, 1, 9, 10, 99, 100, 101, i64::MAX, i64::MIN, -1, -10];
        for p in 0..19 {
            for k in 1..10 {
                values.push(k * 10i64.pow(p) - 1);
            }
            let ten = 10i64.pow(p);
            values.extend([ten, ten - 1, ten + 1, -ten, -ten + 1, 7 * ten + 3]);
        }
        for v in values {
            let mut buf = [b'x'; U64_DIGITS + 1];
            let n = put_i64(&mut buf, v);
            assert_eq!(&buf[..n], v.to_string().as_bytes(), "{v}");
        }
        let mut v = 1u64;
        while let Some(next) = v.checked_mul(7) {
            let mut buf = [b'x'; U64_DIGITS];
            let n = put_u64(&mut buf, v);
            assert_eq!(&buf[..n], v.to_string().as_bytes(), "{v}");
            v = next + 3;
        }
        for v in [u64::MAX, u64::MAX / 10, 10u64.pow(19), 10u64.pow(19) - 1] {
            let mut buf = [b'x'; U64_DIGITS];
            let n = put_u64(&mut buf, v);
            assert_eq!(&buf[..n], v.to_string().as_bytes(), "{v}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_number_is_written_as_to_string_writes(u: u64, i: i64, small in 0u64..100_000_000) {
            for v in [u, small] {
                let mut buf = [b'x'; U64_DIGITS];
                let n = put_u64(&mut buf, v);
                proptest::prop_assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), v.to_string());
            }
            let mut buf = [b'x'; U64_DIGITS + 1];
            let n = put_i64(&mut buf, i);
            proptest::prop_assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), i.to_string());
        }
    }
}
