package main

import (
	"encoding/binary"
	"math/rand"
	"net"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/stun/v3"
)

// generator makes malformed packets that stay well-formed just far enough to pass SRTP (which
// needs the RTP fixed header, CSRCs and extension block to fit) and reach the worker's parsers.
type generator struct {
	rng  *rand.Rand
	ssrc uint32
	pt   uint8
	seq  uint16
	ts   uint32
}

func (g *generator) bytes(n int) []byte {
	b := make([]byte, n)
	g.rng.Read(b)
	return b
}

// rtp returns a header and a payload: mostly on the registered SSRC and payload type, with
// jumping sequence numbers and timestamps, random one- and two-byte header extensions of wrong
// lengths, truncated VP8 payload descriptors and padding counts larger than the payload.
func (g *generator) rtp() (*rtp.Header, []byte) {
	r := g.rng
	g.seq += uint16(1 + r.Intn(3))
	if r.Intn(20) == 0 {
		g.seq += uint16(r.Intn(65536)) // a jump far ahead or behind
	}
	g.ts += uint32(r.Intn(6000))
	h := &rtp.Header{Version: 2, PayloadType: g.pt, SequenceNumber: g.seq, Timestamp: g.ts, SSRC: g.ssrc, Marker: r.Intn(4) == 0}
	switch r.Intn(10) {
	case 0:
		h.SSRC = r.Uint32()
	case 1:
		h.PayloadType = uint8(r.Intn(128))
	}
	if r.Intn(3) == 0 {
		h.Extension = true
		if r.Intn(2) == 0 {
			h.ExtensionProfile = 0xBEDE
			for i, n := 0, 1+r.Intn(4); i < n; i++ {
				_ = h.SetExtension(uint8(1+r.Intn(14)), g.bytes(1+r.Intn(16)))
			}
		} else {
			h.ExtensionProfile = 0x1000
			for i, n := 0, 1+r.Intn(4); i < n; i++ {
				_ = h.SetExtension(uint8(1+r.Intn(254)), g.bytes(r.Intn(40)))
			}
		}
	}
	if r.Intn(6) == 0 {
		h.CSRC = make([]uint32, 1+r.Intn(15))
		for i := range h.CSRC {
			h.CSRC[i] = r.Uint32()
		}
	}
	payload := g.vp8Payload()
	if r.Intn(8) == 0 {
		h.Padding = true
		payload = append(payload, byte(r.Intn(256))) // the padding count, often beyond the payload
	}
	return h, payload
}

func (g *generator) vp8Payload() []byte {
	r := g.rng
	desc := []byte{byte(r.Intn(256))}
	if desc[0]&0x80 != 0 || r.Intn(2) == 0 {
		desc[0] |= 0x80
		desc = append(desc, byte(r.Intn(256))) // I L T K
		if desc[1]&0x80 != 0 {
			desc = append(desc, byte(r.Intn(256)), byte(r.Intn(256))) // picture id, maybe 15-bit
		}
		if desc[1]&0x40 != 0 {
			desc = append(desc, byte(r.Intn(256)))
		}
		if desc[1]&0x30 != 0 {
			desc = append(desc, byte(r.Intn(256)))
		}
	}
	desc = desc[:1+r.Intn(len(desc))] // truncated anywhere
	return append(desc, g.bytes(r.Intn(1100))...)
}

// rtcp returns a compound RTCP packet of 1..4 parts, each with a random count and a length field
// that is right most of the time and wrong otherwise.
func (g *generator) rtcp() []byte {
	r := g.rng
	var out []byte
	for i, n := 0, 1+r.Intn(4); i < n; i++ {
		pt, count, body := g.rtcpBody()
		words := (len(body)+3)/4 + 1
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		length := uint16(words - 1)
		if r.Intn(6) == 0 {
			length = uint16(r.Intn(65536))
		}
		hdr := []byte{0x80 | byte(count&0x1f), pt, 0, 0}
		if r.Intn(20) == 0 {
			hdr[0] |= 0x20 // padding bit with whatever the last byte says
		}
		binary.BigEndian.PutUint16(hdr[2:], length)
		out = append(out, hdr...)
		out = append(out, body...)
	}
	if len(out) < 8 {
		out = append(out, g.bytes(8-len(out))...)
	}
	return out
}

func (g *generator) u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func (g *generator) media() uint32 {
	if g.rng.Intn(3) == 0 {
		return g.rng.Uint32()
	}
	return g.ssrc
}

func (g *generator) rtcpBody() (pt byte, count int, body []byte) {
	r := g.rng
	count = r.Intn(32)
	sender := g.u32(g.ssrc)
	switch r.Intn(10) {
	case 0: // SR with report blocks that may not match the count
		body = append(append(sender, g.bytes(20)...), g.bytes(24*r.Intn(4))...)
		return 200, count, body
	case 1: // RR
		return 201, count, append(sender, g.bytes(24*r.Intn(4))...)
	case 2: // SDES chunks with item lengths that overrun
		for c := 0; c < 1+r.Intn(3); c++ {
			body = append(body, g.u32(g.media())...)
			for it := 0; it < r.Intn(4); it++ {
				l := r.Intn(256)
				body = append(body, byte(1+r.Intn(8)), byte(l))
				body = append(body, g.bytes(r.Intn(l+8))...)
			}
			body = append(body, 0)
		}
		return 202, count, body
	case 3: // BYE with a reason length that overruns
		body = g.u32(g.ssrc)
		return 203, count, append(body, byte(r.Intn(256)), 'x')
	case 4: // APP
		return 204, count, append(append(sender, "WBFZ"...), g.bytes(r.Intn(64))...)
	case 5: // generic NACK
		body = append(sender, g.u32(g.media())...)
		for k := 0; k < r.Intn(8); k++ {
			body = append(body, g.bytes(4)...)
		}
		return 205, 1, body
	case 6: // transport-cc feedback with random status chunks and deltas
		body = append(sender, g.u32(g.media())...)
		body = binary.BigEndian.AppendUint16(body, uint16(r.Intn(65536)))
		body = binary.BigEndian.AppendUint16(body, uint16(r.Intn(65536))) // packet status count
		body = append(body, g.bytes(4)...)                                // reference time, fb count
		return 205, 15, append(body, g.bytes(r.Intn(200))...)
	case 7: // PLI, FIR or REMB
		body = append(sender, g.u32(g.media())...)
		switch r.Intn(3) {
		case 0:
			return 206, 1, body
		case 1:
			return 206, 4, append(body, g.bytes(8*r.Intn(4))...)
		default:
			body = append(body, "REMB"...)
			body = append(body, byte(r.Intn(256)), byte(r.Intn(256)), byte(r.Intn(256)), byte(r.Intn(256)))
			return 206, 15, append(body, g.bytes(4*r.Intn(4))...)
		}
	case 8: // XR with RRT, DLRR and unknown blocks of any declared length
		body = sender
		for b := 0; b < 1+r.Intn(3); b++ {
			bt := []byte{4, 5, byte(r.Intn(256))}[r.Intn(3)]
			words := r.Intn(8)
			body = append(body, bt, 0, 0, byte(words))
			body = append(body, g.bytes(4*r.Intn(words+2))...)
		}
		return 207, count, body
	default: // any other type, any bytes
		return byte(192 + r.Intn(32)), count, g.bytes(r.Intn(120))
	}
}

// rawFlood sends `n` datagrams from 8 other sockets (unknown tuples): random bytes, STUN with
// random attributes (some naming the real transport's ufrag, with a wrong integrity), DTLS-shaped
// records and RTP-shaped packets. None of them belongs to a connected ICE tuple.
func rawFlood(server *net.UDPAddr, rng *rand.Rand, n int, deadline time.Time, ufrag string) int {
	var socks []*net.UDPConn
	for i := 0; i < 8; i++ {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: server.IP, Port: 0})
		if err != nil {
			break
		}
		defer c.Close()
		socks = append(socks, c)
	}
	sent := 0
	for i := 0; i < n && len(socks) > 0 && time.Now().Before(deadline); i++ {
		var pkt []byte
		switch rng.Intn(4) {
		case 0:
			pkt = make([]byte, rng.Intn(1500))
			rng.Read(pkt)
		case 1:
			pkt = stunGarbage(rng, ufrag)
		case 2:
			pkt = make([]byte, 13+rng.Intn(300))
			rng.Read(pkt)
			pkt[0], pkt[1], pkt[2] = byte(20+rng.Intn(4)), 0xfe, 0xfd
		default:
			pkt = make([]byte, 12+rng.Intn(1200))
			rng.Read(pkt)
			pkt[0] = 0x80 | byte(rng.Intn(64))
		}
		if _, err := socks[i%len(socks)].WriteToUDP(pkt, server); err == nil {
			sent++
		}
		if i%200 == 199 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	return sent
}

func stunGarbage(rng *rand.Rand, ufrag string) []byte {
	m := stun.New()
	m.Type = stun.MessageType{Method: stun.Method(rng.Intn(4096)), Class: stun.MessageClass(rng.Intn(4))}
	if rng.Intn(2) == 0 {
		m.Type = stun.BindingRequest
		m.Add(stun.AttrUsername, []byte(ufrag+":x"))
	}
	_ = m.NewTransactionID()
	for i := 0; i < rng.Intn(6); i++ {
		v := make([]byte, rng.Intn(64))
		rng.Read(v)
		m.Add(stun.AttrType(rng.Intn(65536)), v)
	}
	m.WriteHeader()
	raw := append([]byte(nil), m.Raw...)
	if rng.Intn(3) == 0 && len(raw) > 4 { // a length field that lies
		binary.BigEndian.PutUint16(raw[2:], uint16(rng.Intn(65536)))
	}
	return raw
}

func mustMarshal(h *rtp.Header) []byte {
	b, err := h.Marshal()
	if err != nil {
		fail("marshal rtp header: %v", err)
	}
	return b
}

// damage returns a broken copy of a protected packet: a flipped byte anywhere (usually in the
// authentication tag), a cut trailer, a cut header, or random bytes behind the first byte.
func (g *generator) damage(pkt []byte) []byte {
	r := g.rng
	out := append([]byte(nil), pkt...)
	switch r.Intn(4) {
	case 0:
		out[r.Intn(len(out))] ^= byte(1 + r.Intn(255))
	case 1:
		out = out[:len(out)-1-r.Intn(min(len(out)-1, 20))]
	case 2:
		out = out[:r.Intn(min(len(out), 13))]
		if len(out) == 0 {
			out = []byte{0x80}
		}
	default:
		r.Read(out[1:])
	}
	return out
}
