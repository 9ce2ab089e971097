package main

import (
	"sync"
	"time"

	"github.com/pion/rtp"
)

// seqWindow is how many recent sequence numbers a track remembers to tell a retransmission (or
// duplicate) from a new packet.
const seqWindow = 8192

// trackStats counts what one subscriber receives on one track the way a receiving browser would
// see it: unique packets against the sequence numbers expected (loss after NACK repair), and, for
// VP8, frames reassembled and "decoded" in order (a frame is decodable when it is complete and
// either a key frame or the direct successor of the last decoded frame).
type trackStats struct {
	mu   sync.Mutex
	kind string
	ssrc uint32

	started  bool
	baseExt  int64
	maxExt   int64
	seen     [seqWindow]int64 // ext seq + 1 stored in its slot
	received uint64
	dups     uint64
	bytes    uint64

	firstPacketAt float64
	firstFrameAt  float64
	frames        uint64
	keyframes     uint64
	plis          uint64

	trace      bool
	frameTimes []float64

	pending    map[uint32]*frameAsm
	hasDecoded bool
	lastEnd    int64
	lastDecode time.Time
	lastPLI    time.Time
	requestPLI func()
}

// frameAsm is one video frame (one RTP timestamp) being put together.
type frameAsm struct {
	start, end       int64
	hasStart, hasEnd bool
	count            int
	key              bool
	firstAt          time.Time
}

func newTrackStats(kind string, ssrc uint32, trace bool, requestPLI func()) *trackStats {
	return &trackStats{kind: kind, ssrc: ssrc, trace: trace, pending: map[uint32]*frameAsm{}, requestPLI: requestPLI}
}

func unixMs(t time.Time) float64 { return float64(t.UnixNano()) / 1e6 }

// onPacket records one RTP packet received at `now`.
func (t *trackStats) onPacket(p *rtp.Packet, size int, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var ext int64
	if !t.started {
		t.started = true
		ext = int64(p.SequenceNumber)
		t.baseExt, t.maxExt = ext, ext
		t.firstPacketAt = unixMs(now)
	} else {
		delta := int64(int16(p.SequenceNumber - uint16(t.maxExt)))
		ext = t.maxExt + delta
		if ext > t.maxExt {
			t.maxExt = ext
		}
		if ext < t.baseExt {
			t.baseExt = ext // reordered packet from before the first one we saw
		}
	}
	slot := ext % seqWindow
	if slot < 0 {
		slot += seqWindow
	}
	if t.seen[slot] == ext+1 {
		t.dups++
		return
	}
	t.seen[slot] = ext + 1
	t.received++
	t.bytes += uint64(size)
	if t.kind == "audio" {
		if t.frames == 0 {
			t.firstFrameAt = unixMs(now)
		}
		t.frames++
		return
	}
	t.onVideo(p, ext, now)
}

// vp8Info reads the VP8 payload descriptor (RFC 7741): whether the packet starts a frame and,
// if so, whether that frame is a key frame.
func vp8Info(payload []byte) (start, key bool) {
	if len(payload) < 1 {
		return false, false
	}
	b0 := payload[0]
	start = b0&0x10 != 0 && b0&0x07 == 0
	i := 1
	if b0&0x80 != 0 { // X: extensions
		if len(payload) <= i {
			return false, false
		}
		x := payload[i]
		i++
		if x&0x80 != 0 { // I: picture id
			if len(payload) <= i {
				return false, false
			}
			if payload[i]&0x80 != 0 {
				i += 2
			} else {
				i++
			}
		}
		if x&0x40 != 0 { // L
			i++
		}
		if x&0x30 != 0 { // T or K
			i++
		}
	}
	if start && len(payload) > i {
		key = payload[i]&0x01 == 0
	}
	return start, key
}

func (t *trackStats) onVideo(p *rtp.Packet, ext int64, now time.Time) {
	start, key := vp8Info(p.Payload)
	f := t.pending[p.Timestamp]
	if f == nil {
		if t.hasDecoded && ext <= t.lastEnd {
			return // a late retransmission of a frame already decoded
		}
		f = &frameAsm{firstAt: now}
		t.pending[p.Timestamp] = f
	}
	f.count++
	if start {
		f.hasStart, f.start, f.key = true, ext, key
	}
	if p.Marker {
		f.hasEnd, f.end = true, ext
	}
	t.decode(now)
	t.maybeRequestKeyframe(now)
}

func (f *frameAsm) complete() bool {
	return f.hasStart && f.hasEnd && int64(f.count) == f.end-f.start+1
}

// decode takes every frame that has become decodable, in order.
func (t *trackStats) decode(now time.Time) {
	for {
		var next uint32
		var best *frameAsm
		for ts, f := range t.pending {
			if !f.complete() {
				continue
			}
			ok := (t.hasDecoded && f.start == t.lastEnd+1) || (f.key && (!t.hasDecoded || f.start > t.lastEnd))
			if ok && (best == nil || f.start < best.start) {
				next, best = ts, f
			}
		}
		if best == nil {
			break
		}
		delete(t.pending, next)
		if !t.hasDecoded {
			t.firstFrameAt = unixMs(now)
		}
		t.hasDecoded, t.lastEnd, t.lastDecode = true, best.end, now
		t.frames++
		if best.key {
			t.keyframes++
		}
		if t.trace {
			t.frameTimes = append(t.frameTimes, unixMs(now))
		}
	}
	// Frames that can never be decoded any more, or that waited too long, are dropped.
	for ts, f := range t.pending {
		if (t.hasDecoded && f.hasEnd && f.end <= t.lastEnd) || now.Sub(f.firstAt) > 3*time.Second {
			delete(t.pending, ts)
		}
	}
}

// maybeRequestKeyframe sends a PLI the way a browser's decoder asks for one: nothing decodable
// yet although frames arrive, or decoding stalled behind a gap that NACK did not repair.
func (t *trackStats) maybeRequestKeyframe(now time.Time) {
	if t.requestPLI == nil || now.Sub(t.lastPLI) < 500*time.Millisecond {
		return
	}
	waiting := false
	for _, f := range t.pending {
		if f.complete() {
			waiting = true
			break
		}
	}
	stalled := t.hasDecoded && now.Sub(t.lastDecode) > 400*time.Millisecond
	if waiting && (!t.hasDecoded || stalled) {
		t.lastPLI = now
		t.plis++
		go t.requestPLI()
	}
}

// trackReport is what the benchmark reads about one received track.
type trackReport struct {
	Kind          string    `json:"kind"`
	SSRC          uint32    `json:"ssrc"`
	Received      uint64    `json:"received"`
	Expected      int64     `json:"expected"`
	Dups          uint64    `json:"dups"`
	Bytes         uint64    `json:"bytes"`
	Frames        uint64    `json:"frames"`
	Keyframes     uint64    `json:"keyframes"`
	PLIs          uint64    `json:"plis"`
	FirstPacketAt float64   `json:"firstPacketAt"`
	FirstFrameAt  float64   `json:"firstFrameAt"`
	FrameTimes    []float64 `json:"frameTimes,omitempty"`
}

func (t *trackStats) report() trackReport {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := trackReport{Kind: t.kind, SSRC: t.ssrc, Received: t.received, Dups: t.dups, Bytes: t.bytes, Frames: t.frames,
		Keyframes: t.keyframes, PLIs: t.plis, FirstPacketAt: t.firstPacketAt, FirstFrameAt: t.firstFrameAt}
	if t.started {
		r.Expected = t.maxExt - t.baseExt + 1
	}
	if t.trace {
		r.FrameTimes = append([]float64(nil), t.frameTimes...)
	}
	return r
}
