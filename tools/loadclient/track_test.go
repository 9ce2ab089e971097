package main

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// vp8 builds a VP8 RTP payload: descriptor with a 15-bit picture id, then (on a frame start)
// the first payload header byte whose low bit is 0 for a key frame.
func vp8(start, key bool) []byte {
	b0 := byte(0x80) // X
	if start {
		b0 |= 0x10 // S, partition 0
	}
	p := []byte{b0, 0x80, 0x81, 0x23} // I, M + 15-bit picture id
	if start {
		if key {
			p = append(p, 0x10)
		} else {
			p = append(p, 0x11)
		}
	}
	return append(p, 0xAA, 0xBB)
}

func feed(t *trackStats, seq uint16, ts uint32, start, key, marker bool) {
	p := &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: marker}, Payload: vp8(start, key)}
	t.onPacket(p, 100, time.Now())
}

func TestVP8InfoTellsKeyFramesFromDeltaFramesAndContinuations(t *testing.T) {
	if s, k := vp8Info(vp8(true, true)); !s || !k {
		t.Fatalf("key frame start read as start=%v key=%v", s, k)
	}
	if s, k := vp8Info(vp8(true, false)); !s || k {
		t.Fatalf("delta frame start read as start=%v key=%v", s, k)
	}
	if s, _ := vp8Info(vp8(false, false)); s {
		t.Fatal("continuation packet read as a frame start")
	}
	if s, k := vp8Info([]byte{0x10, 0x00}); !s || !k {
		t.Fatal("descriptor without extensions misread")
	}
}

func TestLossCountsUniquePacketsAcrossWraparoundAndRetransmission(t *testing.T) {
	tr := newTrackStats("audio", 1, false, nil)
	for _, seq := range []uint16{65533, 65534, 0, 1, 65535, 1} { // 65535 late, 1 twice
		tr.onPacket(&rtp.Packet{Header: rtp.Header{SequenceNumber: seq}}, 10, time.Now())
	}
	r := tr.report()
	if r.Expected != 5 || r.Received != 5 || r.Dups != 1 {
		t.Fatalf("expected 5 / received 5 / dups 1, got %d / %d / %d", r.Expected, r.Received, r.Dups)
	}
	tr.onPacket(&rtp.Packet{Header: rtp.Header{SequenceNumber: 3}}, 10, time.Now()) // 2 lost
	if r = tr.report(); r.Expected != 7 || r.Received != 6 {
		t.Fatalf("after a gap: expected 7 / received 6, got %d / %d", r.Expected, r.Received)
	}
}

func TestFramesDecodeInOrderOnlyOnceAGapIsRepaired(t *testing.T) {
	plis := 0
	tr := newTrackStats("video", 1, true, func() { plis++ })
	feed(tr, 1, 100, true, true, false)
	feed(tr, 2, 100, false, false, true) // key frame complete
	feed(tr, 3, 200, true, false, false) // seq 4 (end of this frame) lost
	feed(tr, 5, 300, true, false, false)
	feed(tr, 6, 300, false, false, true) // complete, but behind the gap
	if r := tr.report(); r.Frames != 1 || r.Keyframes != 1 || r.FirstFrameAt == 0 {
		t.Fatalf("before repair: frames %d keyframes %d first %v", r.Frames, r.Keyframes, r.FirstFrameAt)
	}
	feed(tr, 4, 200, false, false, true) // retransmission closes the gap
	if r := tr.report(); r.Frames != 3 || len(r.FrameTimes) != 3 {
		t.Fatalf("after repair: frames %d, frame times %d", r.Frames, len(r.FrameTimes))
	}
}

func TestNoFrameDecodesBeforeAKeyFrameAndAPLIAsksForOne(t *testing.T) {
	asked := make(chan struct{}, 4)
	tr := newTrackStats("video", 1, false, func() { asked <- struct{}{} })
	feed(tr, 10, 100, true, false, true) // a complete delta frame first
	if r := tr.report(); r.Frames != 0 {
		t.Fatalf("a delta frame decoded without a key frame")
	}
	select {
	case <-asked:
	case <-time.After(time.Second):
		t.Fatal("no PLI while waiting for a key frame")
	}
	feed(tr, 11, 200, true, true, true)
	if r := tr.report(); r.Frames != 1 || r.Keyframes != 1 {
		t.Fatalf("key frame after the PLI not decoded: frames %d", r.Frames)
	}
}
