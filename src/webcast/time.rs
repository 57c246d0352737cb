//! ISO-8601 UTC timestamps with milliseconds (`2024-01-01T00:00:00.000Z`),
//! formatted and parsed without a clock: the caller passes the instant.

use super::digits;

/// Format ms since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
///
/// Years 0 to 9999 (every instant a stream or a store holds) are written
/// digit by digit into a 24-byte buffer, about a tenth of the work of
/// `format!` (every event's timestamp goes through here); other years take
/// `format!`, which writes the same text (`tests` compare the two).
pub fn format_iso_millis(ms: i64) -> String {
    let mut buf = [0; 24];
    // One allocation and copy (collecting chars grew the string byte by
    // byte).
    write_iso_millis(ms, &mut buf).map_or_else(|| format_slow(ms), str::to_owned)
}

/// [`format_iso_millis`] written into `buf` (24 bytes, the length of the
/// text) with no allocation: the text, or `None` for a year outside 0 to
/// 9999 (which [`format_iso_millis`] formats). The time of day is worked out
/// in `u32` and written two digits at a time ([`digits::PAIRS`]): every
/// `roomUpdate` writes one.
pub fn write_iso_millis(ms: i64, buf: &mut [u8; 24]) -> Option<&str> {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000) as u32;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    if !(0..=9999).contains(&y) {
        return None;
    }
    let sod = secs.rem_euclid(86_400) as u32;
    let (y, m, d) = (y as u32, m as u32, d as u32);
    let pair = |n: u32| digits::PAIRS[n as usize % 100];
    *buf = *b"0000-00-00T00:00:00.000Z";
    buf[0..2].copy_from_slice(&pair(y / 100));
    buf[2..4].copy_from_slice(&pair(y));
    buf[5..7].copy_from_slice(&pair(m));
    buf[8..10].copy_from_slice(&pair(d));
    buf[11..13].copy_from_slice(&pair(sod / 3600));
    buf[14..16].copy_from_slice(&pair(sod / 60 % 60));
    buf[17..19].copy_from_slice(&pair(sod % 60));
    buf[20] = b'0' + (millis / 100) as u8;
    buf[21..23].copy_from_slice(&pair(millis));
    // ASCII digits and separators: always UTF-8.
    std::str::from_utf8(buf).ok()
}

/// Year, month, day, hour, minute, second and millisecond of `ms` (UTC).
fn fields(ms: i64) -> (i64, i64, i64, i64, i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    (y, m, d, sod / 3600, (sod % 3600) / 60, sod % 60, millis)
}

/// [`format_iso_millis`] through `format!`, for any year.
fn format_slow(ms: i64) -> String {
    let (y, m, d, h, mi, s, millis) = fields(ms);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{millis:03}Z")
}

/// Parse `YYYY-MM-DDTHH:MM:SS[.fff]Z` (or a `+00:00` offset) into ms since the
/// epoch. Other offsets are applied.
pub fn parse_iso_millis(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || (b[10] != b'T' && b[10] != b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut millis = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        // The first three digits, padded with zeros ("7" is 700 ms).
        millis = frac.as_bytes()[..digits]
            .iter()
            .chain(b"000")
            .take(3)
            .fold(0, |ms, d| ms * 10 + i64::from(d - b'0'));
        rest = &frac[digits..];
    }
    let offset_secs = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    let days = days_from_civil(y, mo, d);
    Some((days * 86_400 + h * 3600 + mi * 60 + se - offset_secs) * 1000 + millis)
}

// Howard Hinnant's civil-date algorithms.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_iso_millis(0), "1970-01-01T00:00:00.000Z");
        // The repaired push frame's `now` (observed).
        assert_eq!(format_iso_millis(1692120689751), "2023-08-15T17:31:29.751Z");
        assert_eq!(format_iso_millis(951782400123), "2000-02-29T00:00:00.123Z");
    }

    #[test]
    fn the_fast_path_writes_what_format_writes() {
        let mut ms = -62_167_219_200_000 - 86_400_000; // 31 Dec of year -1
        while ms < 253_402_300_800_000 + 86_400_000 {
            // Steps of a prime number of ms walk every field's digits.
            assert_eq!(format_iso_millis(ms), format_slow(ms), "{ms}");
            ms += 7_919_999_983;
        }
        for ms in [
            0,
            -1,
            1_692_120_689_751,
            253_402_300_799_999,
            253_402_300_800_000,
        ] {
            assert_eq!(format_iso_millis(ms), format_slow(ms), "{ms}");
        }
        assert_eq!(format_iso_millis(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn parses_what_it_formats() {
        for ms in [0, 1692120689751, 951782400123, 4102444799999] {
            assert_eq!(parse_iso_millis(&format_iso_millis(ms)), Some(ms));
        }
        assert_eq!(
            parse_iso_millis("2023-08-15T19:31:29.751+02:00"),
            Some(1692120689751)
        );
        assert_eq!(
            parse_iso_millis("2023-08-15T17:31:29Z"),
            Some(1692120689000)
        );
        assert_eq!(
            parse_iso_millis("2023-08-15T17:31:29.7Z"),
            Some(1692120689700)
        );
        assert_eq!(
            parse_iso_millis("2023-08-15T17:31:29.75199Z"),
            Some(1692120689751)
        );
        assert_eq!(parse_iso_millis("2023-08-15T17:31:29.Z"), None);
        assert_eq!(parse_iso_millis("yesterday"), None);
        assert_eq!(parse_iso_millis("2023-13-15T17:31:29Z"), None);
    }
}
