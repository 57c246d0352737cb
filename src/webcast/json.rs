//! Compact JSON text from any `Serialize` value, byte for byte what
//! `serde_json::to_string` writes, written faster where event data spends its
//! time: strings are scanned eight bytes at a time for the bytes that need an
//! escape (`"`, `\` and controls below U+0020) and clean runs are copied in
//! one go, where serde_json looks each byte up in a table.
//!
//! Output goes into a caller's `String`, so the hot path can reuse one buffer
//! and allocate each event's JSON once, at its final size. Numbers are written
//! with `itoa`; floats are handed to serde_json so they print exactly as it
//! prints them (`null` for NaN and infinities). Escapes follow serde_json:
//! `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, and `\u00xx` (lowercase hex) for
//! the other controls; everything else, U+2028 and U+2029 included, is written
//! as is. The tests below (cases and property tests) compare the output with
//! serde_json's.
//!
//! The event data of the high-volume messages skips serde altogether:
//! [`WriteJson`] writes it field by field, each key with its comma one
//! constant ([`Object::key`]), and strings already known to need no escape
//! copied without a check (`write_str_field`, `is_ascii_clean`).

use std::fmt::Display;

use serde::ser::{self, Impossible, Serialize};

/// Why a value could not be written: a map key that is not a string (or a
/// number, bool or char, which are quoted), or an error raised by the value's
/// own `Serialize` impl. Same cases as serde_json.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct JsonError(String);

impl ser::Error for JsonError {
    fn custom<T: Display>(msg: T) -> Self {
        JsonError(msg.to_string())
    }
}

fn key_must_be_a_string() -> JsonError {
    JsonError("key must be a string".into())
}

/// Append `value` as compact JSON to `out`. On error `out` may hold part of
/// the value; the caller truncates it.
pub fn write_value<T: Serialize + ?Sized>(out: &mut String, value: &T) -> Result<(), JsonError> {
    value.serialize(&mut JsonWriter { out })
}

/// `value` as compact JSON in a new `String`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
    let mut out = String::with_capacity(128);
    write_value(&mut out, value)?;
    Ok(out)
}

/// Every byte of the word is `n`.
const fn splat(n: u8) -> u64 {
    u64::from_ne_bytes([n; 8])
}

const LOW: u64 = splat(0x01);
const HIGH: u64 = splat(0x80);

/// A mask with the high bit set in each byte of `w` that needs an escape. The
/// lowest set bit is always exact (bits above it may be false positives from
/// borrows, which is why the caller only uses the lowest).
#[inline]
fn needs_escape(w: u64) -> u64 {
    let below_space = w.wrapping_sub(splat(0x20)) & !w;
    let zero_if_quote = w ^ splat(b'"');
    let zero_if_backslash = w ^ splat(b'\\');
    let quote = zero_if_quote.wrapping_sub(LOW) & !zero_if_quote;
    let backslash = zero_if_backslash.wrapping_sub(LOW) & !zero_if_backslash;
    (below_space | quote | backslash) & HIGH
}

/// Nonzero when a byte of `w` is at or above 0x80 or needs an escape (the
/// word step of [`is_ascii_clean`]). `w ^ 2` maps `"` (0x22) to 0x20 and
/// the controls onto one another below 0x20, so one subtraction finds the
/// bytes below 0x21 of it and its high bits the bytes from 0x80; the
/// backslash is looked for apart. Exact about whether any byte is such: a
/// borrow only flags a byte above one already flagged.
#[inline]
fn ascii_dirty(w: u64) -> u64 {
    let x = w ^ splat(2);
    let zero_if_backslash = w ^ splat(b'\\');
    let backslash = zero_if_backslash.wrapping_sub(LOW) & !zero_if_backslash;
    (x.wrapping_sub(splat(0x21)) | x | backslash) & HIGH
}

fn byte_needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The index of the first byte at or after `from` that needs an escape.
/// (Two words per step measured slower: event strings average 16 bytes.)
#[inline]
fn next_escape(bytes: &[u8], mut from: usize) -> Option<usize> {
    while let Some(chunk) = bytes.get(from..from + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let mask = needs_escape(word);
        if mask != 0 {
            return Some(from + (mask.trailing_zeros() / 8) as usize);
        }
        from += 8;
    }
    bytes[from..]
        .iter()
        .position(|&b| byte_needs_escape(b))
        .map(|i| from + i)
}

/// The little-endian word of the eight bytes of `b` from `at`.
#[inline]
fn word_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Whether no byte of `b` needs an escape: the common case, checked with
/// whole blocks only. A string of 16 bytes or more is read in 16-byte
/// blocks ([`block_is_clean`]), the last overlapping the one before it;
/// one of 8 to 15 bytes in words the same way; a shorter string as two
/// overlapping 4-byte halves, or (under 4 bytes) as its first, middle and
/// last bytes padded with spaces. A byte checked twice changes nothing, and
/// [`needs_escape`] is exact about whether a word has any such byte (only
/// the position of bits above the lowest can be wrong). (16-byte blocks
/// measured no faster while field names came through here too; now that
/// they do not, the values left are mostly URLs, and blocks save a quarter of
/// `write_str`'s instructions.) Always inlined: see [`write_key`].
#[inline(always)]
fn is_clean(b: &[u8]) -> bool {
    scan_clean::<false>(b)
}

/// Whether every byte of `b` is ASCII and none needs an escape: both
/// checks of a text field in one pass (see `user.rs`, where a text known to
/// be such is written by [`write_str_field`] without a second look).
pub(crate) fn is_ascii_clean(b: &[u8]) -> bool {
    scan_clean::<true>(b)
}

/// [`is_clean`], and with `ASCII` also no byte at or above 0x80: the same
/// blocks, words and halves, with the high bit of each byte counted too.
#[inline(always)]
fn scan_clean<const ASCII: bool>(b: &[u8]) -> bool {
    let dirty = |w: u64| {
        if ASCII {
            ascii_dirty(w)
        } else {
            needs_escape(w)
        }
    };
    let n = b.len();
    let word = if n >= 16 {
        let mut at = 0;
        // Two blocks a step, their masks joined before the one test (URLs
        // and secUids are 5 to 12 blocks long).
        while at + 32 < n {
            let pair = block_is_clean::<ASCII>(&b[at..at + 16])
                & block_is_clean::<ASCII>(&b[at + 16..at + 32]);
            if !pair {
                return false;
            }
            at += 32;
        }
        if at + 16 < n && !block_is_clean::<ASCII>(&b[at..at + 16]) {
            return false;
        }
        return block_is_clean::<ASCII>(&b[n - 16..]);
    } else if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            if dirty(word_at(b, at)) != 0 {
                return false;
            }
            at += 8;
        }
        word_at(b, n - 8)
    } else if n >= 4 {
        let half = |at: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&b[at..at + 4]);
            u64::from(u32::from_le_bytes(w))
        };
        half(0) | half(n - 4) << 32
    } else if n > 0 {
        u64::from_le_bytes([b[0], b[n / 2], b[n - 1], b' ', b' ', b' ', b' ', b' '])
    } else {
        return true;
    };
    dirty(word) == 0
}

/// Whether no byte of a 16-byte block needs an escape (and with `ASCII`,
/// none is at or above 0x80). Written so that the compiler turns it into
/// SIMD compares (SSE2, which every x86-64 has); always inlined, so that for
/// a literal field name it folds away.
#[inline(always)]
fn block_is_clean<const ASCII: bool>(block: &[u8]) -> bool {
    // `c ^ 2` maps `"` (0x22) to 0x20 and the controls (below 0x20) onto
    // one another, and every other byte above 0x20: one compare finds both.
    // Compared as signed, bytes from 0x80 up are below it too.
    let mut dirty = false;
    for &c in &block[..16] {
        let low = if ASCII {
            ((c ^ 2) as i8) <= 0x20
        } else {
            (c ^ 2) <= 0x20
        };
        dirty |= low | (c == b'\\');
    }
    !dirty
}

/// Write a string field: `comma_key_quote` (its key and the value's opening
/// quote, `,"name":"`: see [`Object::key`]), then `s` as it is when `clean`
/// (the caller knows `s` passed [`is_ascii_clean`]) or escaped, then the
/// closing quote.
#[inline(always)]
pub(crate) fn write_str_field(
    o: &mut Object<'_>,
    comma_key_quote: &'static str,
    s: &str,
    clean: bool,
) {
    let out = o.key(comma_key_quote);
    if clean {
        out.push_str(s);
    } else {
        write_str_body(out, s);
    }
    out.push('"');
}

/// Append `s` as a JSON string literal, quotes included.
pub fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    write_str_body(out, s);
    out.push('"');
}

/// Append the text of `s` inside a JSON string literal: `s` with its
/// escapes, no quotes.
fn write_str_body(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    if is_clean(bytes) {
        out.push_str(s);
        return;
    }
    out.reserve(s.len() + 1);
    let mut start = 0;
    while let Some(i) = next_escape(bytes, start) {
        // `i` is an ASCII byte, so both slices end on char boundaries.
        out.push_str(&s[start..i]);
        push_escape(out, bytes[i]);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Append `"key":`, a struct field's name. Inlined into each caller so that
/// for a literal name (every derived or hand-written `Serialize`) the clean
/// check folds away and the name is copied as a constant: keys are a third
/// of the strings an event writes.
#[inline(always)]
fn write_key(out: &mut String, key: &str) {
    if is_clean(key.as_bytes()) {
        out.reserve(key.len() + 3);
        out.push('"');
        out.push_str(key);
        out.push_str("\":");
    } else {
        write_str(out, key);
        out.push(':');
    }
}

fn push_escape(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match b {
        b'"' => "\\\"",
        b'\\' => "\\\\",
        0x08 => "\\b",
        b'\t' => "\\t",
        b'\n' => "\\n",
        0x0c => "\\f",
        b'\r' => "\\r",
        _ => {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
            return;
        }
    };
    out.push_str(short);
}

/// Append the decimal digits of `n` (what `itoa` writes). A single digit,
/// more than half of the numbers an event writes (flags, levels, counts,
/// ranks), is pushed as one char: `itoa`'s text took a `memcpy` call.
#[inline]
pub(crate) fn write_int<I: itoa::Integer + Copy>(out: &mut String, n: I)
where
    u8: TryFrom<I>,
{
    match u8::try_from(n) {
        Ok(d) if d < 10 => out.push(char::from(b'0' + d)),
        _ => out.push_str(itoa::Buffer::new().format(n)),
    }
}

/// A value written as JSON straight into a `String`, without serde: the
/// same bytes [`write_value`] writes for it (tested for every event data
/// type in `data.rs`). The event data of the high-volume messages (chat,
/// gift, like, member, social) is written this way: their struct fields go
/// through [`Object::key`], where each key with its comma is one constant
/// (`,"name":`), written in one copy, where serde's `serialize_field` wrote
/// a comma, a quote, the name and `":` with a capacity check each.
pub trait WriteJson {
    /// Append `self` as JSON to `out`. On error `out` may hold part of the
    /// value (as with [`write_value`]).
    fn write_json(&self, out: &mut String) -> Result<(), JsonError>;

    /// Write `self` as a field of `o`: its key, given both as `,"name":`
    /// and as `,"name":"` (see [`Object::key`]), and its value. A string
    /// takes the second, so that its opening quote is copied with the key.
    #[inline(always)]
    fn write_field(
        &self,
        o: &mut Object<'_>,
        comma_key: &'static str,
        _comma_key_quote: &'static str,
    ) -> Result<(), JsonError> {
        self.write_json(o.key(comma_key))
    }
}

/// The `write_field` of a string type (its opening quote with the key).
macro_rules! str_field {
    () => {
        #[inline(always)]
        fn write_field(
            &self,
            o: &mut Object<'_>,
            _comma_key: &'static str,
            comma_key_quote: &'static str,
        ) -> Result<(), JsonError> {
            write_str_field(o, comma_key_quote, self, false);
            Ok(())
        }
    };
}

/// An object being written by [`WriteJson`] code: its `{` is written, and
/// whether the next key is the first (written without its comma).
pub struct Object<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> Object<'o> {
    /// Write `{` and start the object.
    #[inline(always)]
    pub fn open(out: &'o mut String) -> Object<'o> {
        out.push('{');
        Object { out, first: true }
    }

    /// Write a key, given as the constant `,"name":` (a name that needs no
    /// escape; `json_fields!` in `data.rs` builds it with `concat!`), the
    /// comma left out before the first key; the buffer to write the value
    /// into. Always inlined: while an object is written, whether a key is the
    /// first is known at compile time but for keys after optional fields, so
    /// both branches copy a constant.
    #[inline(always)]
    pub fn key(&mut self, comma_key: &'static str) -> &mut String {
        if self.first {
            self.first = false;
            self.out.push_str(&comma_key[1..]);
        } else {
            self.out.push_str(comma_key);
        }
        self.out
    }

    /// Write `}`.
    #[inline(always)]
    pub fn close(self) {
        self.out.push('}');
    }
}

impl WriteJson for str {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        write_str(out, self);
        Ok(())
    }
    str_field!();
}

impl WriteJson for String {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        write_str(out, self);
        Ok(())
    }
    str_field!();
}

impl WriteJson for std::borrow::Cow<'_, str> {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        write_str(out, self);
        Ok(())
    }
    str_field!();
}

impl WriteJson for bool {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        // Two constants, as `serialize_bool` pushes them.
        if *self {
            out.push_str("true");
        } else {
            out.push_str("false");
        }
        Ok(())
    }
}

impl WriteJson for i64 {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        write_int(out, *self);
        Ok(())
    }
}

impl WriteJson for i32 {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        write_int(out, *self);
        Ok(())
    }
}

/// `null`, or the value (as serde writes an `Option`).
impl<T: WriteJson> WriteJson for Option<T> {
    #[inline]
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        match self {
            Some(v) => v.write_json(out),
            None => {
                out.push_str("null");
                Ok(())
            }
        }
    }
}

/// A list through serde ([`write_value`]): lists of event data are rare
/// (emotes) or empty.
impl<T: Serialize> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        write_value(out, self)
    }
}

/// Through serde ([`write_value`]).
impl WriteJson for serde_json::Value {
    fn write_json(&self, out: &mut String) -> Result<(), JsonError> {
        write_value(out, self)
    }
}

/// serde_json's float format (shortest round trip; `null` when not finite).
fn write_float<F: Serialize>(out: &mut String, f: F) -> Result<(), JsonError> {
    let text = serde_json::to_string(&f).map_err(|e| JsonError(e.to_string()))?;
    out.push_str(&text);
    Ok(())
}

/// serde_json's token for a `RawValue` (its JSON text is written as is).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The ten `serialize_{integer}` methods of a serializer: `$body` with the
/// serializer bound to `$w` and the number to `$v`.
macro_rules! integers {
    ($w:ident, $v:ident => $body:expr) => {
        integers!(@fns $w $v $body;
            serialize_i8 i8, serialize_i16 i16, serialize_i32 i32, serialize_i64 i64,
            serialize_i128 i128, serialize_u8 u8, serialize_u16 u16, serialize_u32 u32,
            serialize_u64 u64, serialize_u128 u128);
    };
    (@fns $w:ident $v:ident $body:expr; $($name:ident $t:ty),*) => {
        $(
            fn $name(self, $v: $t) -> Result<(), JsonError> {
                let $w = self;
                $body
            }
        )*
    };
}

/// The serializer: a `String` to append to.
pub struct JsonWriter<'a> {
    out: &'a mut String,
}

/// A sequence, map or struct being written: whether the next element is the
/// first (no comma), and whether a variant's object must be closed after it.
pub struct Compound<'w, 'a> {
    w: &'w mut JsonWriter<'a>,
    first: bool,
    variant: bool,
    /// A `RawValue` (see [`RAW_VALUE_TOKEN`]): its one field is raw JSON.
    raw: bool,
}

impl<'w, 'a> Compound<'w, 'a> {
    fn comma(&mut self) {
        if !self.first {
            self.w.out.push(',');
        }
        self.first = false;
    }

    fn close(self, bracket: char) {
        self.w.out.push(bracket);
        if self.variant {
            self.w.out.push('}');
        }
    }
}

impl<'w, 'a> JsonWriter<'a> {
    fn open(&'w mut self, bracket: char, variant: Option<&str>) -> Compound<'w, 'a> {
        if let Some(name) = variant {
            self.out.push('{');
            write_str(self.out, name);
            self.out.push(':');
        }
        self.out.push(bracket);
        Compound {
            w: self,
            first: true,
            variant: variant.is_some(),
            raw: false,
        }
    }
}

impl<'w, 'a> ser::Serializer for &'w mut JsonWriter<'a> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Compound<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Compound<'w, 'a>;
    type SerializeStructVariant = Compound<'w, 'a>;

    fn serialize_bool(self, v: bool) -> Result<(), JsonError> {
        // Two pushes of a constant length each: one push of either text
        // (4 or 5 bytes) took a `memcpy` call.
        if v {
            self.out.push_str("true");
        } else {
            self.out.push_str("false");
        }
        Ok(())
    }
    integers!(w, v => {
        write_int(w.out, v);
        Ok(())
    });
    fn serialize_f32(self, v: f32) -> Result<(), JsonError> {
        write_float(self.out, v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), JsonError> {
        write_float(self.out, v)
    }
    fn serialize_char(self, v: char) -> Result<(), JsonError> {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), JsonError> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), JsonError> {
        let mut seq = self.open('[', None);
        for b in v {
            seq.comma();
            write_int(seq.w.out, *b);
        }
        seq.close(']');
        Ok(())
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), JsonError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        self.out.push('{');
        write_str(self.out, variant);
        self.out.push(':');
        value.serialize(&mut *self)?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, JsonError> {
        Ok(self.open('[', None))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, JsonError> {
        Ok(self.open('[', None))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, JsonError> {
        Ok(self.open('[', None))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, JsonError> {
        Ok(self.open('[', Some(variant)))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, JsonError> {
        Ok(self.open('{', None))
    }
    fn serialize_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, JsonError> {
        if name == RAW_VALUE_TOKEN {
            return Ok(Compound {
                w: self,
                first: true,
                variant: false,
                raw: true,
            });
        }
        Ok(self.open('{', None))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, JsonError> {
        Ok(self.open('{', Some(variant)))
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        self.comma();
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), JsonError> {
        self.close(']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), JsonError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), JsonError> {
        self.comma();
        key.serialize(KeyWriter {
            out: self.w.out,
            raw: false,
        })?;
        self.w.out.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), JsonError> {
        self.close('}');
        Ok(())
    }
}

/// The text of a `RawValue` (its one field, a string), written as it is.
/// (A [`Verbatim`] comes here too: the leaderboard of every `roomUpdate`.)
fn write_raw<T: Serialize + ?Sized>(out: &mut String, value: &T) -> Result<(), JsonError> {
    value.serialize(KeyWriter { out, raw: true })
}

/// JSON text written as it is, by this writer and by serde_json alike (it
/// serialises the way serde_json's `RawValue` does), with no second check of
/// the text: for text this module wrote, such as the leaderboard memo's
/// (`leaderboard.rs`). Other serializers see a struct with one string field.
#[derive(Debug, Clone, Copy)]
pub struct Verbatim<'a>(pub &'a str);

impl Serialize for Verbatim<'_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use ser::SerializeStruct;
        let mut raw = s.serialize_struct(RAW_VALUE_TOKEN, 1)?;
        raw.serialize_field(RAW_VALUE_TOKEN, self.0)?;
        raw.end()
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    /// Always inlined, so that the name is a constant at each call site
    /// (see [`write_key`]).
    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        if self.raw {
            return write_raw(self.w.out, value);
        }
        self.comma();
        write_key(self.w.out, key);
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), JsonError> {
        if !self.raw {
            self.close('}');
        }
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = JsonError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), JsonError> {
        ser::SerializeStruct::end(self)
    }
}

/// A map key: strings as they are; numbers, bools and chars quoted, as
/// serde_json writes them; anything else is an error. With `raw`, a
/// `RawValue`'s text: a string is written without quotes or escapes.
struct KeyWriter<'a> {
    out: &'a mut String,
    raw: bool,
}

impl KeyWriter<'_> {
    fn quoted(self, text: &str) -> Result<(), JsonError> {
        self.out.push('"');
        self.out.push_str(text);
        self.out.push('"');
        Ok(())
    }

    fn int(self, n: impl itoa::Integer) -> Result<(), JsonError> {
        self.quoted(itoa::Buffer::new().format(n))
    }

    fn float<F: Serialize>(self, f: F, finite: bool) -> Result<(), JsonError> {
        if !finite {
            return Err(JsonError(
                "float key must be finite (got NaN or +/-inf)".into(),
            ));
        }
        let text = serde_json::to_string(&f).map_err(|e| JsonError(e.to_string()))?;
        self.quoted(&text)
    }
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = Impossible<(), JsonError>;
    type SerializeTuple = Impossible<(), JsonError>;
    type SerializeTupleStruct = Impossible<(), JsonError>;
    type SerializeTupleVariant = Impossible<(), JsonError>;
    type SerializeMap = Impossible<(), JsonError>;
    type SerializeStruct = Impossible<(), JsonError>;
    type SerializeStructVariant = Impossible<(), JsonError>;

    fn serialize_str(self, v: &str) -> Result<(), JsonError> {
        if self.raw {
            self.out.push_str(v);
        } else {
            write_str(self.out, v);
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), JsonError> {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_bool(self, v: bool) -> Result<(), JsonError> {
        self.quoted(if v { "true" } else { "false" })
    }
    integers!(w, v => w.int(v));
    fn serialize_f32(self, v: f32) -> Result<(), JsonError> {
        self.float(v, v.is_finite())
    }
    fn serialize_f64(self, v: f64) -> Result<(), JsonError> {
        self.float(v, v.is_finite())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), JsonError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        value.serialize(self)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<(), JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> Result<(), JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, JsonError> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, JsonError> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::json;

    use super::*;

    /// Strings with every case of the escaper: each control, quote,
    /// backslash, DEL, U+2028/9, multi-byte and non-BMP characters, and
    /// escapes at every position of an 8-byte word.
    fn tricky() -> Vec<String> {
        let mut all: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        all.extend(
            [
                "",
                "plain ascii text that is longer than one word",
                "quote \" and backslash \\ and slash /",
                "line\nbreak\r\ntab\tbell\u{7}nul\u{0}esc\u{1b}",
                "\u{8}\u{c}\u{1f}\u{7f}",
                "sep\u{2028}para\u{2029}bidi\u{202e}",
                "héllo wörld ñ 日本語 😀👍🏽 𝄞 \u{10ffff}",
                "\"\"\"\"\"\"\"\"\"",
                "\\\\\\\\\\\\\\\\\\",
            ]
            .map(String::from),
        );
        for at in 0..17 {
            for c in ['"', '\\', '\n', '\u{1}', 'é', '😀'] {
                let mut s = "abcdefghijklmnop".to_string();
                s.insert(at, c);
                all.push(s);
            }
        }
        // Every length up to nine words, with an escape at every position
        // (the clean check reads short strings and the last word in pieces
        // that overlap, long ones two blocks a step and the rest by one).
        for len in 0..72 {
            for at in 0..=len {
                for c in ['"', '\\', '\u{1f}'] {
                    let mut s = "a".repeat(len);
                    s.insert(at, c);
                    all.push(s);
                }
            }
        }
        all
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in tricky() {
            let mut ours = String::new();
            write_str(&mut ours, &s);
            assert_eq!(ours, serde_json::to_string(&s).unwrap(), "{s:?}");
        }
    }

    /// The one-pass check says what the two checks say (ASCII, and nothing
    /// to escape), on every tricky string and with a byte of 0x80 or above
    /// at each position of strings of every length around its blocks; a
    /// string it passes is written as [`write_str`] writes it.
    #[test]
    fn ascii_clean_is_ascii_and_clean() {
        let mut cases: Vec<Vec<u8>> = tricky().into_iter().map(String::into_bytes).collect();
        for len in 0..72 {
            for at in 0..len {
                for high in [0x80, 0xa0, 0xff] {
                    let mut v = b"a".repeat(len);
                    v[at] = high;
                    cases.push(v);
                }
            }
        }
        for b in &cases {
            let both = b.is_ascii() && is_clean(b);
            assert_eq!(is_ascii_clean(b), both, "{b:?}");
            if both {
                let s = std::str::from_utf8(b).unwrap();
                let (mut known, mut checked) = (String::new(), String::new());
                let mut o = Object::open(&mut known);
                write_str_field(&mut o, ",\"k\":\"", s, true);
                o.close();
                let mut o = Object::open(&mut checked);
                write_str_field(&mut o, ",\"k\":\"", s, false);
                o.close();
                assert_eq!(known, checked);
                assert_eq!(
                    known,
                    format!("{{\"k\":{}}}", serde_json::to_string(s).unwrap())
                );
            }
        }
    }

    #[test]
    fn values_are_written_as_serde_json_writes_them() {
        #[derive(Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(i32, String),
            Struct { a: Option<bool>, b: () },
        }
        #[derive(Serialize)]
        struct S<'a> {
            text: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<u8>,
            list: Vec<E>,
            #[serde(with = "serde_bytes_like")]
            bytes: &'a [u8],
            map: BTreeMap<i64, f64>,
            keys: BTreeMap<bool, char>,
            value: serde_json::Value,
            raw: Box<serde_json::value::RawValue>,
            floats: [f64; 5],
            wide: (i128, u128),
        }
        mod serde_bytes_like {
            pub fn serialize<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(b)
            }
        }
        let v = S {
            text: "a\"b\\c\u{1}",
            skipped: None,
            list: vec![
                E::Unit,
                E::New(7),
                E::Tuple(-3, "x".into()),
                E::Struct { a: None, b: () },
            ],
            bytes: &[0, 1, 255],
            map: BTreeMap::from([(-1, 0.1), (2, 1e300), (3, f64::NAN)]),
            keys: BTreeMap::from([(false, '\n'), (true, 'é')]),
            value: json!({"nested": [1, -2.5, "s", null, {"k": true}], "empty": {}, "e": []}),
            raw: serde_json::value::RawValue::from_string(r#"{"a": [1, 2]}"#.into()).unwrap(),
            floats: [0.0, -0.0, 1.5e-7, f64::INFINITY, 123456789.0],
            wide: (i128::MIN, u128::MAX),
        };
        assert_eq!(to_string(&v).unwrap(), serde_json::to_string(&v).unwrap());
    }

    /// Integers of every type around the one-digit shortcut, and their
    /// extremes, as serde_json writes them.
    #[test]
    fn integers_are_written_as_serde_json_writes_them() {
        let small: Vec<i64> = (-12..=12).chain([99, 100, i64::MIN, i64::MAX]).collect();
        assert_eq!(
            to_string(&small).unwrap(),
            serde_json::to_string(&small).unwrap()
        );
        let unsigned = (0u8..=11).map(|n| (n, u16::from(n), u32::from(n), u64::from(n)));
        let unsigned: Vec<_> = unsigned
            .chain([(u8::MAX, u16::MAX, u32::MAX, u64::MAX)])
            .collect();
        assert_eq!(
            to_string(&unsigned).unwrap(),
            serde_json::to_string(&unsigned).unwrap()
        );
        let signed = [
            (-1i8, -1i16, -1i32),
            (9, 9, 9),
            (10, 10, 10),
            (i8::MIN, i16::MIN, i32::MIN),
        ];
        assert_eq!(
            to_string(&signed).unwrap(),
            serde_json::to_string(&signed).unwrap()
        );
        let wide = [(0i128, 9u128), (10, 10), (-9, u128::MAX)];
        assert_eq!(
            to_string(&wide).unwrap(),
            serde_json::to_string(&wide).unwrap()
        );
    }

    #[test]
    fn keys_that_are_not_strings_fail_as_in_serde_json() {
        let bad = BTreeMap::from([(vec![1], 2)]);
        assert!(serde_json::to_string(&bad).is_err());
        assert_eq!(
            to_string(&bad).unwrap_err().to_string(),
            "key must be a string"
        );
    }

    proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in any::<String>()) {
            let mut ours = String::new();
            write_str(&mut ours, &s);
            prop_assert_eq!(ours, serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn strings_of_escapable_bytes_match(s in "[\"\\\\\\x00-\\x1f a-zé😀\u{2028}]{0,40}") {
            let mut ours = String::new();
            write_str(&mut ours, &s);
            prop_assert_eq!(ours, serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn string_maps_match(m in proptest::collection::btree_map(any::<String>(), any::<i64>(), 0..8)) {
            prop_assert_eq!(to_string(&m).unwrap(), serde_json::to_string(&m).unwrap());
        }
    }
}
