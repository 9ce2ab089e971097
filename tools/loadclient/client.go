package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Payload types and the transport-wide-cc header extension id the client uses on its ORTC
// transports. The id is mediasoup's (its supported capabilities give transport-cc id 5), since a
// consumer sends with the router's ids.
const (
	ptOpus  = 111
	ptVP8   = 96
	twccID  = 5
	twccURI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
)

// peer is one simulated participant: one ICE + DTLS-SRTP transport (ORTC) or one
// PeerConnection (SDP), its received tracks and its published tracks.
type peer struct {
	id    string
	trace bool

	// ORTC (mediasoup).
	api      *webrtc.API
	media    *webrtc.MediaEngine
	gatherer *webrtc.ICEGatherer
	ice      *webrtc.ICETransport
	dtls     *webrtc.DTLSTransport
	icpt     interceptor.Interceptor
	rtcpOut  interceptor.RTCPWriter
	remote   *ortcRemote

	// SDP (Janus).
	pc *webrtc.PeerConnection

	ready       chan struct{} // closed once media can flow (DTLS connected)
	stopped     chan struct{} // closed by close()
	readyOnce   sync.Once
	readyErr    error
	connectedAt float64

	mu         sync.Mutex
	tracks     []*trackStats
	publishers []*publisher
	closed     bool
}

func (p *peer) markReady(err error) {
	p.readyOnce.Do(func() {
		p.readyErr = err
		p.connectedAt = unixMs(time.Now())
		close(p.ready)
	})
}

func (p *peer) waitReady(timeout time.Duration) error {
	select {
	case <-p.ready:
		return p.readyErr
	case <-time.After(timeout):
		return errors.New("transport not connected in time")
	}
}

type client struct {
	mu       sync.Mutex
	peers    map[string]*peer
	src      *source
	ip       net.IP
	impaired bool
	// dtlsRetransmit: a browser (libwebrtc) retransmits a lost DTLS flight after twice the ICE
	// round trip, at least 50 ms; Pion's default is a fixed second.
	dtlsRetransmit time.Duration
}

func newClient() *client { return &client{peers: map[string]*peer{}} }

func decode[T any](raw json.RawMessage) (T, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
}

// opInit loads the media files and sets the address to gather candidates on.
func (c *client) opInit(raw json.RawMessage) (any, error) {
	req, err := decode[struct {
		Video, Keys, Audio, IP string
		// Impaired routes every socket through the impairment that opImpair sets.
		Impaired bool
		// DtlsRetransmitMs: first DTLS retransmission (default 100).
		DtlsRetransmitMs float64
	}](raw)
	if err != nil {
		return nil, err
	}
	src, err := loadSource(req.Video, req.Keys, req.Audio)
	if err != nil {
		return nil, err
	}
	ip := net.ParseIP(req.IP)
	if ip == nil {
		return nil, fmt.Errorf("bad ip %q", req.IP)
	}
	c.mu.Lock()
	c.src, c.ip, c.impaired = src, ip, req.Impaired
	c.dtlsRetransmit = 100 * time.Millisecond
	if req.DtlsRetransmitMs > 0 {
		c.dtlsRetransmit = time.Duration(req.DtlsRetransmitMs * float64(time.Millisecond))
	}
	c.mu.Unlock()
	return map[string]any{"videoFrames": len(src.video), "audioPackets": len(src.audio), "frameMs": src.frameDur.Milliseconds()}, nil
}

func (c *client) settings() webrtc.SettingEngine {
	var s webrtc.SettingEngine
	ip := c.ip
	s.SetIncludeLoopbackCandidate(true)
	s.SetIPFilter(func(candidate net.IP) bool { return candidate.Equal(ip) })
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	s.SetDTLSRetransmissionInterval(c.dtlsRetransmit)
	if c.impaired {
		if n, err := newImpairedNet(); err == nil {
			s.SetNet(n)
		}
	}
	return s
}

func mediaEngine() (*webrtc.MediaEngine, error) {
	m := &webrtc.MediaEngine{}
	fb := []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "ccm", Parameter: "fir"}, {Type: "transport-cc"}}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: fb},
		PayloadType:        ptVP8,
	}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1", RTCPFeedback: []webrtc.RTCPFeedback{{Type: "transport-cc"}}},
		PayloadType:        ptOpus,
	}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	return m, nil
}

// interceptors: what a browser's receiver does besides decoding — NACK for lost packets, RTCP
// receiver reports (and sender reports for what it publishes), transport-wide-cc feedback.
func interceptors(m *webrtc.MediaEngine) (*interceptor.Registry, error) {
	reg := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(m, reg); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureRTCPReports(reg); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureTWCCSender(m, reg); err != nil {
		return nil, err
	}
	return reg, nil
}

func (c *client) addPeer(id string, trace bool) (*peer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.src == nil {
		return nil, errors.New("init first")
	}
	if _, dup := c.peers[id]; dup {
		return nil, fmt.Errorf("peer %q exists", id)
	}
	p := &peer{id: id, trace: trace, ready: make(chan struct{}), stopped: make(chan struct{})}
	c.peers[id] = p
	return p, nil
}

func (c *client) peer(id string) (*peer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.peers[id]
	if p == nil {
		return nil, fmt.Errorf("no peer %q", id)
	}
	return p, nil
}

// readTrack counts every RTP packet `read` returns until it fails.
func readTrack(t *trackStats, read func([]byte) (int, error)) {
	buf := make([]byte, 1600)
	var pkt rtp.Packet
	for {
		n, err := read(buf)
		if err != nil {
			return
		}
		if err := pkt.Unmarshal(buf[:n]); err != nil {
			continue
		}
		t.onPacket(&pkt, n, time.Now())
	}
}

func (p *peer) addTrack(t *trackStats) {
	p.mu.Lock()
	p.tracks = append(p.tracks, t)
	p.mu.Unlock()
}

func (p *peer) addPublisher(pub *publisher) {
	p.mu.Lock()
	p.publishers = append(p.publishers, pub)
	p.mu.Unlock()
}

// peerReport is what the benchmark reads about one peer.
type peerReport struct {
	ID          string        `json:"id"`
	ConnectedAt float64       `json:"connectedAt"`
	Tracks      []trackReport `json:"tracks"`
	KeysSent    uint64        `json:"keysSent"`
	// Samples published so far per kind (video frames, 20 ms audio packets).
	Sent map[string]uint64 `json:"sent,omitempty"`
}

// opImpair sets the delay (each way) and loss (each way) of an impaired client.
func (c *client) opImpair(raw json.RawMessage) (any, error) {
	req, err := decode[struct {
		DelayMs float64
		LossPct float64
	}](raw)
	if err != nil {
		return nil, err
	}
	if !c.impaired {
		return nil, errors.New("init with impaired: true first")
	}
	impaired.set(time.Duration(req.DelayMs*float64(time.Millisecond)), req.LossPct)
	return map[string]any{}, nil
}

// opStats reports every peer (or those listed in `peers`).
func (c *client) opStats(raw json.RawMessage) (any, error) {
	req, err := decode[struct{ Peers []string }](raw)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	var list []*peer
	if len(req.Peers) == 0 {
		for _, p := range c.peers {
			list = append(list, p)
		}
	} else {
		for _, id := range req.Peers {
			if p := c.peers[id]; p != nil {
				list = append(list, p)
			}
		}
	}
	c.mu.Unlock()
	out := make([]peerReport, 0, len(list))
	for _, p := range list {
		r := peerReport{ID: p.id}
		select {
		case <-p.ready:
			r.ConnectedAt = p.connectedAt
		default:
		}
		p.mu.Lock()
		for _, t := range p.tracks {
			r.Tracks = append(r.Tracks, t.report())
		}
		for _, pub := range p.publishers {
			r.KeysSent += pub.keysOut.Load()
			if r.Sent == nil {
				r.Sent = map[string]uint64{}
			}
			r.Sent[pub.kind] += pub.sent.Load()
		}
		p.mu.Unlock()
		out = append(out, r)
	}
	return map[string]any{"peers": out, "at": unixMs(time.Now())}, nil
}

func (p *peer) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.stopped)
	pubs := p.publishers
	p.mu.Unlock()
	for _, pub := range pubs {
		close(pub.stop)
	}
	if p.pc != nil {
		_ = p.pc.Close()
	}
	if p.dtls != nil {
		_ = p.dtls.Stop()
	}
	if p.ice != nil {
		_ = p.ice.Stop()
	}
	if p.gatherer != nil {
		_ = p.gatherer.Close()
	}
	if p.icpt != nil {
		_ = p.icpt.Close()
	}
	p.markReady(errors.New("closed"))
}

// opClose closes the listed peers (all when none listed).
func (c *client) opClose(raw json.RawMessage) (any, error) {
	req, err := decode[struct{ Peers []string }](raw)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	var list []*peer
	for id, p := range c.peers {
		if len(req.Peers) == 0 || contains(req.Peers, id) {
			list = append(list, p)
			delete(c.peers, id)
		}
	}
	c.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range list {
		wg.Add(1)
		go func() { defer wg.Done(); p.close() }()
	}
	wg.Wait()
	return map[string]any{"closed": len(list)}, nil
}

func (c *client) closeAll() { _, _ = c.opClose([]byte(`{}`)) }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// pli asks the sender of `ssrc` for a key frame.
func pliFor(ssrc uint32, write func([]rtcp.Packet) error) func() {
	return func() { _ = write([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}}) }
}
