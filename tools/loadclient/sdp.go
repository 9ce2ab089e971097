package main

// The Janus side: Janus speaks SDP (JSEP), so its peers are ordinary Pion PeerConnections,
// whose interceptors (NACK, reports, transport-cc feedback) run by themselves.

import (
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

var (
	sdpAPIOnce sync.Once
	sdpAPI     *webrtc.API
	sdpAPIErr  error
)

func (c *client) pcAPI() (*webrtc.API, error) {
	sdpAPIOnce.Do(func() {
		m, err := mediaEngine()
		if err != nil {
			sdpAPIErr = err
			return
		}
		reg, err := interceptors(m)
		if err != nil {
			sdpAPIErr = err
			return
		}
		sdpAPI = webrtc.NewAPI(webrtc.WithSettingEngine(c.settings()), webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg))
	})
	return sdpAPI, sdpAPIErr
}

func (c *client) newPC(p *peer) error {
	api, err := c.pcAPI()
	if err != nil {
		return err
	}
	if p.pc, err = api.NewPeerConnection(webrtc.Configuration{}); err != nil {
		return err
	}
	p.pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateConnected:
			p.markReady(nil)
		case webrtc.PeerConnectionStateFailed:
			p.markReady(errors.New("connection failed"))
		}
	})
	return nil
}

// localSDP sets `desc` as the local description and returns it with every candidate in it
// (no trickle).
func (p *peer) localSDP(desc webrtc.SessionDescription) (string, error) {
	done := webrtc.GatheringCompletePromise(p.pc)
	if err := p.pc.SetLocalDescription(desc); err != nil {
		return "", err
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		return "", errors.New("ICE gathering timed out")
	}
	return p.pc.LocalDescription().SDP, nil
}

// opSdpSubscribe answers a subscription offer; every track it brings is counted.
func (c *client) opSdpSubscribe(raw json.RawMessage) (any, error) {
	req, err := decode[struct {
		Peer  string
		Trace bool
		Offer string
	}](raw)
	if err != nil {
		return nil, err
	}
	p, err := c.addPeer(req.Peer, req.Trace)
	if err != nil {
		return nil, err
	}
	if err := c.newPC(p); err != nil {
		return nil, err
	}
	pc := p.pc
	pc.OnTrack(func(track *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
		ssrc := uint32(track.SSRC())
		stats := newTrackStats(track.Kind().String(), ssrc, p.trace, pliFor(ssrc, func(pkts []rtcp.Packet) error { return pc.WriteRTCP(pkts) }))
		p.addTrack(stats)
		go readTrack(stats, func(b []byte) (int, error) {
			n, _, err := track.Read(b)
			return n, err
		})
		go func() {
			buf := make([]byte, 1500)
			for {
				if _, _, err := recv.Read(buf); err != nil {
					return
				}
			}
		}()
	})
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: req.Offer}); err != nil {
		return nil, err
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return nil, err
	}
	sdp, err := p.localSDP(answer)
	if err != nil {
		return nil, err
	}
	return map[string]any{"answer": sdp}, nil
}

// opSdpPublish offers audio and video from the source; pass Janus's answer to sdpAnswer.
func (c *client) opSdpPublish(raw json.RawMessage) (any, error) {
	req, err := decode[struct{ Peer string }](raw)
	if err != nil {
		return nil, err
	}
	p, err := c.addPeer(req.Peer, false)
	if err != nil {
		return nil, err
	}
	if err := c.newPC(p); err != nil {
		return nil, err
	}
	for _, kind := range []string{"audio", "video"} {
		pub, err := newPublisher(kind)
		if err != nil {
			return nil, err
		}
		tr, err := p.pc.AddTransceiverFromTrack(pub.track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			return nil, err
		}
		p.addPublisher(pub)
		go pub.run(c.src, p.ready)
		sender := tr.Sender()
		go pub.readFeedback(func(b []byte) (int, error) {
			n, _, err := sender.Read(b)
			return n, err
		})
	}
	offer, err := p.pc.CreateOffer(nil)
	if err != nil {
		return nil, err
	}
	sdp, err := p.localSDP(offer)
	if err != nil {
		return nil, err
	}
	return map[string]any{"offer": sdp}, nil
}

// opSdpAnswer applies the answer to a publisher's offer.
func (c *client) opSdpAnswer(raw json.RawMessage) (any, error) {
	req, err := decode[struct {
		Peer   string
		Answer string
	}](raw)
	if err != nil {
		return nil, err
	}
	p, err := c.peer(req.Peer)
	if err != nil {
		return nil, err
	}
	if p.pc == nil {
		return nil, errors.New("not an SDP peer")
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: req.Answer}); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
