package main

// The mediasoup side: Pion's ORTC objects take mediasoup's transport and consumer parameters
// as they are (ICE parameters and candidates, DTLS fingerprints, SSRC and payload type per
// stream), so no SDP is built or parsed on either side. Pion runs no interceptors on ORTC
// transports, so each peer binds its own chain (NACK, receiver reports, transport-cc feedback)
// around its RTP and RTCP readers, exactly as a PeerConnection would.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

type ortcRemote struct {
	ICE        webrtc.ICEParameters
	Candidates []webrtc.ICECandidate
	DTLS       webrtc.DTLSParameters
	iceDone    chan error
}

// mediasoup's wire shapes.
type msCandidate struct {
	Foundation string `json:"foundation"`
	Priority   uint32 `json:"priority"`
	Address    string `json:"address"`
	IP         string `json:"ip"`
	Protocol   string `json:"protocol"`
	Port       uint16 `json:"port"`
	Type       string `json:"type"`
}

type msTransport struct {
	Peer          string `json:"peer"`
	Trace         bool   `json:"trace"`
	IceParameters struct {
		UsernameFragment string `json:"usernameFragment"`
		Password         string `json:"password"`
	} `json:"iceParameters"`
	IceCandidates  []msCandidate `json:"iceCandidates"`
	DtlsParameters struct {
		Fingerprints []struct {
			Algorithm string `json:"algorithm"`
			Value     string `json:"value"`
		} `json:"fingerprints"`
	} `json:"dtlsParameters"`
}

// opOrtcTransport creates the client side of a mediasoup WebRtcTransport and starts ICE
// (mediasoup is ICE-lite, the client controls). Returns the DTLS parameters to pass to
// `transport.connect()`; call ortcStart after that.
func (c *client) opOrtcTransport(raw json.RawMessage) (any, error) {
	req, err := decode[msTransport](raw)
	if err != nil {
		return nil, err
	}
	p, err := c.addPeer(req.Peer, req.Trace)
	if err != nil {
		return nil, err
	}
	remote := &ortcRemote{ICE: webrtc.ICEParameters{UsernameFragment: req.IceParameters.UsernameFragment, Password: req.IceParameters.Password, ICELite: true}, iceDone: make(chan error, 1)}
	for _, fp := range req.DtlsParameters.Fingerprints {
		remote.DTLS.Fingerprints = append(remote.DTLS.Fingerprints, webrtc.DTLSFingerprint{Algorithm: fp.Algorithm, Value: fp.Value})
	}
	remote.DTLS.Role = webrtc.DTLSRoleServer
	for _, cand := range req.IceCandidates {
		if strings.ToLower(cand.Protocol) != "udp" {
			continue
		}
		addr := cand.Address
		if addr == "" {
			addr = cand.IP
		}
		remote.Candidates = append(remote.Candidates, webrtc.ICECandidate{Foundation: cand.Foundation, Priority: cand.Priority, Address: addr, Protocol: webrtc.ICEProtocolUDP, Port: cand.Port, Typ: webrtc.ICECandidateTypeHost})
	}
	if len(remote.Candidates) == 0 {
		return nil, errors.New("no UDP candidate")
	}
	if err := c.buildOrtc(p, remote); err != nil {
		p.close()
		return nil, err
	}
	local, err := p.dtls.GetLocalParameters()
	if err != nil {
		return nil, err
	}
	fps := make([]map[string]string, 0, len(local.Fingerprints))
	for _, fp := range local.Fingerprints {
		// mediasoup 3.8 compares fingerprints case-sensitively, in upper case.
		fps = append(fps, map[string]string{"algorithm": fp.Algorithm, "value": strings.ToUpper(fp.Value)})
	}
	return map[string]any{"dtlsParameters": map[string]any{"role": "client", "fingerprints": fps}}, nil
}

func (c *client) buildOrtc(p *peer, remote *ortcRemote) error {
	m, err := mediaEngine()
	if err != nil {
		return err
	}
	reg, err := interceptors(m)
	if err != nil {
		return err
	}
	p.media = m
	p.api = webrtc.NewAPI(webrtc.WithSettingEngine(c.settings()), webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg))
	p.remote = remote
	if p.gatherer, err = p.api.NewICEGatherer(webrtc.ICEGatherOptions{}); err != nil {
		return err
	}
	p.ice = p.api.NewICETransport(p.gatherer)
	if p.dtls, err = p.api.NewDTLSTransport(p.ice, nil); err != nil {
		return err
	}
	if p.icpt, err = reg.Build(p.id); err != nil {
		return err
	}
	dtls := p.dtls
	p.rtcpOut = p.icpt.BindRTCPWriter(interceptor.RTCPWriterFunc(func(pkts []rtcp.Packet, _ interceptor.Attributes) (int, error) {
		return dtls.WriteRTCP(pkts)
	}))
	gathered := make(chan struct{})
	p.gatherer.OnLocalCandidate(func(cand *webrtc.ICECandidate) {
		if cand == nil {
			close(gathered)
		}
	})
	if err = p.gatherer.Gather(); err != nil {
		return err
	}
	select {
	case <-gathered:
	case <-time.After(5 * time.Second):
		return errors.New("ICE gathering timed out")
	}
	if err = p.ice.SetRemoteCandidates(remote.Candidates); err != nil {
		return err
	}
	go func() {
		role := webrtc.ICERoleControlling
		remote.iceDone <- p.ice.Start(nil, remote.ICE, &role)
	}()
	return nil
}

// opOrtcStart runs the DTLS handshake once ICE is up (after mediasoup's `connect()`).
func (c *client) opOrtcStart(raw json.RawMessage) (any, error) {
	req, err := decode[struct{ Peer string }](raw)
	if err != nil {
		return nil, err
	}
	p, err := c.peer(req.Peer)
	if err != nil {
		return nil, err
	}
	if p.remote == nil {
		return nil, errors.New("not an ORTC peer")
	}
	go func() {
		select {
		case err := <-p.remote.iceDone:
			if err != nil {
				p.markReady(fmt.Errorf("ICE: %w", err))
				return
			}
		case <-time.After(20 * time.Second):
			p.markReady(errors.New("ICE timed out"))
			return
		}
		if err := p.dtls.Start(p.remote.DTLS); err != nil {
			p.markReady(fmt.Errorf("DTLS: %w", err))
			return
		}
		p.markReady(nil)
		drainUndeclared(p.dtls, p.stopped)
	}()
	return map[string]any{}, nil
}

type streamReq struct {
	Peer        string `json:"peer"`
	Kind        string `json:"kind"`
	SSRC        uint32 `json:"ssrc"`
	PayloadType uint8  `json:"payloadType"`
}

func codecType(kind string) (webrtc.RTPCodecType, error) {
	switch kind {
	case "audio":
		return webrtc.RTPCodecTypeAudio, nil
	case "video":
		return webrtc.RTPCodecTypeVideo, nil
	}
	return 0, fmt.Errorf("bad kind %q", kind)
}

// opOrtcReceive starts receiving one consumer's stream (waits for DTLS; resume the consumer
// after this answers).
func (c *client) opOrtcReceive(raw json.RawMessage) (any, error) {
	req, err := decode[streamReq](raw)
	if err != nil {
		return nil, err
	}
	p, err := c.peer(req.Peer)
	if err != nil {
		return nil, err
	}
	typ, err := codecType(req.Kind)
	if err != nil {
		return nil, err
	}
	if err := p.waitReady(20 * time.Second); err != nil {
		return nil, err
	}
	// A consumer sends with the router's payload types, which the client learns only now.
	if err := registerPayloadType(p.media, req.Kind, req.PayloadType); err != nil {
		return nil, err
	}
	recv, err := p.api.NewRTPReceiver(typ, p.dtls)
	if err != nil {
		return nil, err
	}
	enc := webrtc.RTPDecodingParameters{RTPCodingParameters: webrtc.RTPCodingParameters{SSRC: webrtc.SSRC(req.SSRC), PayloadType: webrtc.PayloadType(req.PayloadType)}}
	if err := recv.Receive(webrtc.RTPReceiveParameters{Encodings: []webrtc.RTPDecodingParameters{enc}}); err != nil {
		return nil, err
	}
	info := interceptor.StreamInfo{
		SSRC: req.SSRC, PayloadType: req.PayloadType, ClockRate: 48000, MimeType: webrtc.MimeTypeOpus, Channels: 2,
		RTPHeaderExtensions: []interceptor.RTPHeaderExtension{{URI: twccURI, ID: twccID}},
		RTCPFeedback:        []interceptor.RTCPFeedback{{Type: "transport-cc"}},
	}
	if req.Kind == "video" {
		info.ClockRate, info.MimeType, info.Channels = 90000, webrtc.MimeTypeVP8, 0
		info.RTCPFeedback = append(info.RTCPFeedback, interceptor.RTCPFeedback{Type: "nack"}, interceptor.RTCPFeedback{Type: "nack", Parameter: "pli"})
	}
	track := recv.Track()
	rtpIn := p.icpt.BindRemoteStream(&info, interceptor.RTPReaderFunc(func(b []byte, _ interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, _, err := track.Read(b)
		return n, interceptor.Attributes{}, err
	}))
	rtcpIn := p.icpt.BindRTCPReader(interceptor.RTCPReaderFunc(func(b []byte, _ interceptor.Attributes) (int, interceptor.Attributes, error) {
		n, _, err := recv.Read(b)
		return n, interceptor.Attributes{}, err
	}))
	out := p.rtcpOut
	stats := newTrackStats(req.Kind, req.SSRC, p.trace, pliFor(req.SSRC, func(pkts []rtcp.Packet) error {
		_, err := out.Write(pkts, interceptor.Attributes{})
		return err
	}))
	p.addTrack(stats)
	go readTrack(stats, func(b []byte) (int, error) {
		n, _, err := rtpIn.Read(b, interceptor.Attributes{})
		return n, err
	})
	go func() {
		buf := make([]byte, 1500)
		for {
			if _, _, err := rtcpIn.Read(buf, interceptor.Attributes{}); err != nil {
				return
			}
		}
	}()
	return map[string]any{}, nil
}

// opOrtcSend publishes one kind of the source on the peer's transport with the given SSRC;
// the benchmark then calls `transport.produce()` with payload type 96 (VP8) or 111 (Opus).
func (c *client) opOrtcSend(raw json.RawMessage) (any, error) {
	req, err := decode[streamReq](raw)
	if err != nil {
		return nil, err
	}
	p, err := c.peer(req.Peer)
	if err != nil {
		return nil, err
	}
	if _, err := codecType(req.Kind); err != nil {
		return nil, err
	}
	pub, err := newPublisher(req.Kind)
	if err != nil {
		return nil, err
	}
	sender, err := p.api.NewRTPSender(pub.track, p.dtls)
	if err != nil {
		return nil, err
	}
	pt := webrtc.PayloadType(ptVP8)
	if req.Kind == "audio" {
		pt = ptOpus
	}
	if err := sender.Send(webrtc.RTPSendParameters{Encodings: []webrtc.RTPEncodingParameters{{RTPCodingParameters: webrtc.RTPCodingParameters{SSRC: webrtc.SSRC(req.SSRC), PayloadType: pt}}}}); err != nil {
		return nil, err
	}
	p.addPublisher(pub)
	go pub.run(c.src, p.ready)
	go pub.readFeedback(func(b []byte) (int, error) {
		n, _, err := sender.Read(b)
		return n, err
	})
	return map[string]any{"payloadType": pt}, nil
}

func registerPayloadType(m *webrtc.MediaEngine, kind string, pt uint8) error {
	if pt == ptVP8 || pt == ptOpus {
		return nil
	}
	codec := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}
	typ := webrtc.RTPCodecTypeVideo
	if kind == "audio" {
		codec = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}
		typ = webrtc.RTPCodecTypeAudio
	}
	return m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: codec, PayloadType: webrtc.PayloadType(pt)}, typ)
}
