package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

// source is the pre-encoded media every publisher sends: a VP8 stream whose only periodic key
// frame is its first, an all-key-frame encoding of the same pictures (sent in place of the next
// frame when a PLI or FIR arrives, as a browser's encoder would answer), and Opus packets.
type source struct {
	video    [][]byte
	keys     [][]byte
	frameDur time.Duration
	audio    [][]byte
}

func readIVF(path string) ([][]byte, time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	r, h, err := ivfreader.NewWith(f)
	if err != nil {
		return nil, 0, err
	}
	var frames [][]byte
	for {
		frame, _, err := r.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		frames = append(frames, frame)
	}
	dur := time.Duration(float64(time.Second) * float64(h.TimebaseNumerator) / float64(h.TimebaseDenominator))
	return frames, dur, nil
}

func readOgg(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, _, err := oggreader.NewWith(f)
	if err != nil {
		return nil, err
	}
	var packets [][]byte
	for {
		data, _, err := r.ParseNextPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(data) >= 8 && string(data[:8]) == "OpusTags" {
			continue
		}
		packets = append(packets, data)
	}
	return packets, nil
}

func loadSource(videoPath, keysPath, audioPath string) (*source, error) {
	video, dur, err := readIVF(videoPath)
	if err != nil {
		return nil, fmt.Errorf("video: %w", err)
	}
	keys, _, err := readIVF(keysPath)
	if err != nil {
		return nil, fmt.Errorf("key frames: %w", err)
	}
	if len(keys) < len(video) {
		return nil, fmt.Errorf("key frame file has %d frames, video %d", len(keys), len(video))
	}
	audio, err := readOgg(audioPath)
	if err != nil {
		return nil, fmt.Errorf("audio: %w", err)
	}
	if len(video) == 0 || len(audio) == 0 {
		return nil, errors.New("empty media")
	}
	return &source{video: video, keys: keys, frameDur: dur, audio: audio}, nil
}

// publisher sends one track of the source in real time until stopped.
type publisher struct {
	kind    string
	track   *webrtc.TrackLocalStaticSample
	wantKey atomic.Bool
	keysOut atomic.Uint64
	// sent counts samples written; against the wall clock it shows whether the publisher kept
	// its pace (a starved client sends fewer, and the loss it causes is not the server's).
	sent atomic.Uint64
	stop chan struct{}
}

func newPublisher(kind string) (*publisher, error) {
	mime, clock := webrtc.MimeTypeVP8, uint32(90000)
	if kind == "audio" {
		mime, clock = webrtc.MimeTypeOpus, 48000
	}
	codec := webrtc.RTPCodecCapability{MimeType: mime, ClockRate: clock}
	if kind == "audio" {
		codec.Channels = 2
	}
	track, err := webrtc.NewTrackLocalStaticSample(codec, kind, "loadclient")
	if err != nil {
		return nil, err
	}
	return &publisher{kind: kind, track: track, stop: make(chan struct{})}, nil
}

// run paces the source's frames; `ready` is closed once the transport can carry them.
func (p *publisher) run(src *source, ready <-chan struct{}) {
	select {
	case <-ready:
	case <-p.stop:
		return
	}
	dur := 20 * time.Millisecond
	if p.kind == "video" {
		dur = src.frameDur
	}
	ticker := time.NewTicker(dur)
	defer ticker.Stop()
	i := 0
	for {
		var data []byte
		if p.kind == "audio" {
			data = src.audio[i%len(src.audio)]
		} else {
			n := i % len(src.video)
			data = src.video[n]
			if p.wantKey.Swap(false) {
				data = src.keys[n]
				p.keysOut.Add(1)
			}
		}
		if err := p.track.WriteSample(media.Sample{Data: data, Duration: dur}); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			return
		}
		p.sent.Add(1)
		i++
		select {
		case <-ticker.C:
		case <-p.stop:
			return
		}
	}
}

// readFeedback drains the RTCP that reaches a sender and answers key frame requests.
func (p *publisher) readFeedback(read func([]byte) (int, error)) {
	buf := make([]byte, 1500)
	for {
		n, err := read(buf)
		if err != nil {
			return
		}
		pkts, err := rtcp.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		for _, pkt := range pkts {
			switch pkt.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				p.wantKey.Store(true)
			}
		}
	}
}
