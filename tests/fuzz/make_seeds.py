#!/usr/bin/env python3
# make_seeds.py METADATA STREAM_DIR OUT_DIR: writes fuzz_trace seed inputs
# (see the input format at the top of fuzz_trace.c) from a small real trace
# that record_trace.sh made: METADATA is its metadata as text
# (tests/fuzz/metadata, from `babeltrace2 --output-format=ctf-metadata`),
# STREAM_DIR holds its stream files,
# plus hand-made damaged ones: truncated, bad magic, sizes out of range,
# metadata lacking a field or typing it wrong, 1 MiB strings, non-UTF-8 and
# SNMP/CSV/JSON-hostile AORs, discarded events and packets.
# A development tool: its output is committed in tests/fuzz/corpus/.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import struct
import sys

MODE_FIXED, MODE_META, MODE_RLE, MODE_KEEP_GOING, MODE_STEPS = 0, 1, 2, 4, 8
HEADER_LEN = 32       # magic, uuid, stream_id, stream_instance_id
CONTEXT_LEN = 52      # ts begin/end, content/packet size, seq, discarded, cpu
STRING_FIELDS = 11


def rle(data):
    """The run-length code fuzz_trace.c decodes (0xfe, count24, octet)."""
    out = bytearray()
    i = 0
    while i < len(data):
        j = i
        while j < len(data) and data[j] == data[i] and j - i < 0xffffff:
            j += 1
        if j - i >= 8 or data[i] == 0xfe:
            out += bytes([0xfe]) + struct.pack('<I', j - i)[:3] + \
                bytes([data[i]])
            i = j
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def contact_event(ts, event_id=0, strings=None, ints=None, dump_id=None):
    """An event with the extended large header and the contact payload."""
    s = [b'location', b'sip:alice@example.com',
         b'sip:alice@192.0.2.1:5060', b'Alice', b'', b'',
         b'fuzz/1.0', b'callid-1', b'ruid-1', b'', b'udp:192.0.2.9:5060']
    if strings:
        for k, v in strings.items():
            s[k] = v
    n = [1, 1000, 4102444800, 1795426000, 0, 0, 0xffff, 0, 0]
    if ints:
        for k, v in ints.items():
            n[k] = v
    out = struct.pack('<HIQ', 0xffff, event_id, ts)
    if dump_id is not None:
        out += struct.pack('<Q', dump_id)
    for v in s:
        out += v + b'\0'
    out += struct.pack('<iiqqIIIII', *n)
    return out


def dump_event(ts, event_id, dump_id, contacts=None):
    out = struct.pack('<HIQ', 0xffff, event_id, ts) + struct.pack('<Q', dump_id)
    if contacts is not None:
        out += struct.pack('<Q', contacts)
    return out


def packet(header, ts_begin, ts_end, events, seq=0, discarded=0,
           content_extra=0, size_override=None):
    body = b''.join(events)
    content = HEADER_LEN + CONTEXT_LEN + len(body)
    size = (content + 7) // 8 * 8 if size_override is None else size_override
    ctx = struct.pack('<QQQQQQI', ts_begin, ts_end,
                      content * 8 + content_extra, size * 8, seq, discarded,
                      0)
    data = header + ctx + body
    return data + b'\0' * max(0, size - len(data))


def main():
    meta_path, trace, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out_dir, exist_ok=True)
    meta = open(meta_path, 'rb').read()
    streams = sorted(f for f in os.listdir(trace)
                     if f.startswith('ultrace_'))
    real = [open(os.path.join(trace, f), 'rb').read() for f in streams]
    header = real[0][:HEADER_LEN]
    ts0 = struct.unpack_from('<Q', real[0], HEADER_LEN)[0]
    seeds = {}

    def seed(name, mode, payload):
        seeds[name] = bytes([mode]) + payload

    for i, data in enumerate(real):
        seed('real-stream-%d' % i, MODE_FIXED, data)
    seed('real-steps-keep-going', MODE_STEPS | MODE_KEEP_GOING, real[-1])
    seed('real-with-metadata', MODE_META, meta + b'\0' + real[-1])
    # The stream with contact events (id 0, extended header) to damage.
    big = next((d for d in real if d[84:90] == b'\xff\xff\0\0\0\0'),
               real[-1])
    seed('truncated-stream', MODE_FIXED, big[:len(big) // 2 + 7])
    seed('bad-magic', MODE_FIXED, b'\x01\x02\x03\x04' + big[4:])
    seed('empty-stream', MODE_FIXED, b'')
    seed('metadata-garbage', MODE_META, b'/* CTF 1.8 */ trace {\0' + big)

    # Metadata damage, each on the first event class that has the field.
    def meta_edit(old, new):
        assert old in meta, old
        return meta.replace(old, new, 1)
    seed('meta-lacks-contact', MODE_META,
         meta_edit(b'\t\tstring _contact;\n', b'') + b'\0' + big)
    seed('meta-lacks-contact-keep-going', MODE_META | MODE_KEEP_GOING,
         meta_edit(b'\t\tstring _contact;\n', b'') + b'\0' + big)
    seed('meta-aor-integer', MODE_META,
         meta_edit(b'string _aor;',
                   b'integer { size = 8; align = 8; signed = 0; } _aor;') +
         b'\0' + big)
    seed('meta-cseq-string', MODE_META,
         meta_edit(b'integer { size = 32; align = 8; signed = 1; '
                   b'encoding = none; base = 10; } _cseq;',
                   b'string _cseq;') + b'\0' + big)
    seed('meta-other-provider', MODE_META,
         meta_edit(b'"ultrace:contact_insert"', b'"other:contact_insert"') +
         b'\0' + big)
    seed('meta-future-event', MODE_META,
         meta_edit(b'"ultrace:contact_insert"', b'"ultrace:contact_move"') +
         b'\0' + big)

    # Hand-made packets: strings the producer never sends, sizes that lie.
    t = ts0 + 1000
    hostile = [
        b'sip:a,b"c\r\n@x', b'sip:\xff\xfe@x', b'sip:\xed\xa0\x80@x',
        b'sip:\x01\x1f\x7f\\u0000"}]@x', b'sip:z\xc3\xa9@x',
        b'a' * 254 + '\u20ac'.encode(), b'1.3.6.1.4.1.34352',
    ]
    events = [contact_event(t + k, 0, {1: aor, 3: aor, 2: b'sip:c' + aor})
              for k, aor in enumerate(hostile)]
    events.append(contact_event(t + 50, 0, {1: b''}))
    events.append(contact_event(t + 51, 3, {1: b'sip:nobody@x'}))
    events.append(contact_event(t + 52, 1, {2: b'sip:lost-insert@x'},
                                {1: -1, 2: -5, 3: 2 ** 63 - 1, 8: 0x7ff}))
    seed('hostile-aors', MODE_FIXED, packet(header, t, t + 100, events))
    seed('hostile-aors-meta', MODE_META,
         meta + b'\0' + packet(header, t, t + 100, events))
    one_mib = 1 << 20
    seed('aor-1mib', MODE_RLE, rle(packet(header, t, t + 10, [
        contact_event(t + 1, 0, {1: b'a' * one_mib}),
        contact_event(t + 2, 0, {3: b'\xff' * one_mib})])))
    seed('content-beyond-packet', MODE_FIXED,
         packet(header, t, t + 10, [contact_event(t + 1)], content_extra=64))
    seed('packet-beyond-file', MODE_FIXED,
         packet(header, t, t + 10, [contact_event(t + 1)])[:-8])
    p1 = packet(header, t, t + 10, [
        dump_event(t + 1, 4, 7), contact_event(t + 2, 5, dump_id=7),
        dump_event(t + 3, 6, 7, 1)])
    p2 = packet(header, t + 20, t + 30, [contact_event(t + 21, 2)], seq=2,
                discarded=5)
    seed('dump-then-discards', MODE_FIXED, p1 + p2)
    seed('time-goes-back', MODE_FIXED, packet(header, t, t + 10, [
        contact_event(t + 5), contact_event(t + 1, 1)]))

    for name, data in seeds.items():
        with open(os.path.join(out_dir, name), 'wb') as f:
            f.write(data)
        print('%-32s %7d octets' % (name, len(data)))


if __name__ == '__main__':
    main()
