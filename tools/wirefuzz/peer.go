package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/pion/dtls/v3"
	"github.com/pion/dtls/v3/pkg/crypto/selfsign"
	"github.com/pion/rtcp"
	"github.com/pion/srtp/v3"
	"github.com/pion/stun/v3"
)

// peer is one ICE-lite-facing client socket: STUN for ICE, DTLS for keys, SRTP for media, all on
// the same 5-tuple as a browser would use. A reader goroutine sorts incoming datagrams by their
// first byte (RFC 7983): STUN 0-3, DTLS 20-63, RTP/RTCP 128-191 (ignored).
type peer struct {
	conn     *net.UDPConn
	server   *net.UDPAddr
	params   Params
	cert     dtlsCert
	stunIn   chan []byte
	dtlsIn   chan []byte
	closed   chan struct{}
	once     sync.Once
	dtlsConn *dtls.Conn
	srtpCtx  *srtp.Context
	profile  string
	ufrag    string
}

type dtlsCert struct {
	fingerprint string
	tls         tls.Certificate
}

func newPeer(server *net.UDPAddr, p Params) (*peer, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: server.IP, Port: 0})
	if err != nil {
		return nil, err
	}
	pr := &peer{conn: conn, server: server, params: p, stunIn: make(chan []byte, 16), dtlsIn: make(chan []byte, 64), closed: make(chan struct{}), ufrag: "wirefuzz"}
	go pr.read()
	return pr, nil
}

func (p *peer) remoteUfrag() string { return p.params.Ufrag }
func (p *peer) Profile() string     { return p.profile }

func (p *peer) read() {
	buf := make([]byte, 2048)
	for {
		n, _, err := p.conn.ReadFromUDP(buf)
		if err != nil {
			p.Close()
			return
		}
		pkt := append([]byte(nil), buf[:n]...)
		switch b := pkt[0]; {
		case b < 4:
			select {
			case p.stunIn <- pkt:
			default:
			}
		case b >= 20 && b <= 63:
			select {
			case p.dtlsIn <- pkt:
			case <-p.closed:
				return
			}
		}
	}
}

// Fingerprint generates the DTLS certificate and returns its sha-256 fingerprint.
func (p *peer) Fingerprint() string {
	if p.cert.fingerprint != "" {
		return p.cert.fingerprint
	}
	c, err := selfsign.GenerateSelfSigned()
	if err != nil {
		fail("certificate: %v", err)
	}
	p.cert = dtlsCert{fingerprint: fingerprintOf(c.Certificate[0]), tls: c}
	return p.cert.fingerprint
}

func fingerprintOf(der []byte) string {
	sum := sha256.Sum256(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// Connect runs ICE (one nominated binding) and the DTLS handshake, then derives the SRTP keys.
// A goroutine keeps ICE consent alive with a binding request every second.
func (p *peer) Connect(deadline time.Time) error {
	if err := p.bind(true, deadline); err != nil {
		return fmt.Errorf("ice: %w", err)
	}
	go p.keepAlive()
	cfg := &dtls.Config{
		Certificates:           []tls.Certificate{p.cert.tls},
		SRTPProtectionProfiles: []dtls.SRTPProtectionProfile{dtls.SRTP_AEAD_AES_128_GCM, dtls.SRTP_AES128_CM_HMAC_SHA1_80},
		ExtendedMasterSecret:   dtls.RequireExtendedMasterSecret,
		InsecureSkipVerify:     true, // self-signed, checked against the signalled fingerprint instead
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || !strings.EqualFold(fingerprintOf(raw[0]), p.params.Fingerprint) {
				return errors.New("server certificate does not match the signalled fingerprint")
			}
			return nil
		},
	}
	dc, err := dtls.Client(&dtlsPacketConn{p}, p.server, cfg)
	if err != nil {
		return fmt.Errorf("dtls: %w", err)
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	if err := dc.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("dtls handshake: %w", err)
	}
	p.dtlsConn = dc
	return p.keys()
}

func (p *peer) keys() error {
	profile, ok := p.dtlsConn.SelectedSRTPProtectionProfile()
	if !ok {
		return errors.New("no SRTP profile negotiated")
	}
	var sp srtp.ProtectionProfile
	switch profile {
	case dtls.SRTP_AEAD_AES_128_GCM:
		sp, p.profile = srtp.ProtectionProfileAeadAes128Gcm, "AEAD_AES_128_GCM"
	case dtls.SRTP_AES128_CM_HMAC_SHA1_80:
		sp, p.profile = srtp.ProtectionProfileAes128CmHmacSha1_80, "AES_CM_128_HMAC_SHA1_80"
	default:
		return fmt.Errorf("unexpected SRTP profile %v", profile)
	}
	state, ok := p.dtlsConn.ConnectionState()
	if !ok {
		return errors.New("no DTLS state")
	}
	cfg := srtp.Config{Profile: sp}
	if err := cfg.ExtractSessionKeysFromDTLS(&state, true); err != nil {
		return err
	}
	ctx, err := srtp.CreateContext(cfg.Keys.LocalMasterKey, cfg.Keys.LocalMasterSalt, sp)
	if err != nil {
		return err
	}
	p.srtpCtx = ctx
	return nil
}

// bind sends a STUN binding request with the transport's ICE credentials and waits for success.
func (p *peer) bind(nominate bool, deadline time.Time) error {
	for time.Now().Before(deadline) {
		msg, err := stun.Build(stun.TransactionID, stun.BindingRequest, stun.NewUsername(p.params.Ufrag+":"+p.ufrag))
		if err != nil {
			return err
		}
		msg.Add(stun.AttrPriority, []byte{0x6e, 0x00, 0x1e, 0xff})
		msg.Add(stun.AttrICEControlling, []byte{1, 2, 3, 4, 5, 6, 7, 8})
		if nominate {
			msg.Add(stun.AttrUseCandidate, nil)
		}
		if err := stun.NewShortTermIntegrity(p.params.Pwd).AddTo(msg); err != nil {
			return err
		}
		if err := stun.Fingerprint.AddTo(msg); err != nil {
			return err
		}
		if _, err := p.conn.WriteToUDP(msg.Raw, p.server); err != nil {
			return err
		}
		select {
		case raw := <-p.stunIn:
			res := &stun.Message{Raw: raw}
			if res.Decode() == nil && res.Type == stun.BindingSuccess {
				return nil
			}
		case <-time.After(200 * time.Millisecond):
		}
	}
	return errors.New("no STUN binding success before the deadline")
}

func (p *peer) keepAlive() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.closed:
			return
		case <-t.C:
			_ = p.bind(false, time.Now().Add(300*time.Millisecond))
		}
	}
}

// Flood sends `n` malformed RTP and `n` malformed RTCP packets (interleaved), SRTP-protected,
// and on the same authenticated 5-tuple, after every other pair, a damaged copy of one of them
// (a flipped byte, a cut trailer, a cut header, random bytes after an RTP-looking first byte), so
// the worker's SRTP decryption sees bad tags and short packets too.
func (p *peer) Flood(g *generator, n int, deadline time.Time) (rtpSent, rtcpSent, damaged, errs int) {
	send := func(b []byte) bool {
		_, err := p.conn.WriteToUDP(b, p.server)
		if err != nil {
			errs++
		}
		return err == nil
	}
	for i := 0; i < n && time.Now().Before(deadline); i++ {
		hdr, payload := g.rtp()
		rtpOut, err := p.srtpCtx.EncryptRTP(nil, append(mustMarshal(hdr), payload...), hdr)
		if err == nil && send(rtpOut) {
			rtpSent++
		} else if err != nil {
			errs++
		}
		body := g.rtcp()
		rtcpOut, err := p.srtpCtx.EncryptRTCP(nil, body, &rtcp.Header{})
		if err == nil && send(rtcpOut) {
			rtcpSent++
		} else if err != nil {
			errs++
		}
		if i%2 == 0 && len(rtpOut) > 0 && len(rtcpOut) > 0 {
			src := rtpOut
			if g.rng.Intn(2) == 0 {
				src = rtcpOut
			}
			if send(g.damage(src)) {
				damaged++
			}
		}
		if i%200 == 199 {
			time.Sleep(10 * time.Millisecond) // stay a flood from one participant, not a loopback DoS
		}
	}
	return rtpSent, rtcpSent, damaged, errs
}

// Close closes the DTLS session and the socket. Idempotent.
func (p *peer) Close() {
	p.once.Do(func() {
		close(p.closed)
		if p.dtlsConn != nil {
			_ = p.dtlsConn.Close()
		}
		_ = p.conn.Close()
	})
}

// dtlsPacketConn gives pion/dtls the DTLS datagrams of the shared socket, and sends through it.
type dtlsPacketConn struct{ p *peer }

func (c *dtlsPacketConn) ReadFrom(b []byte) (int, net.Addr, error) {
	select {
	case pkt := <-c.p.dtlsIn:
		return copy(b, pkt), c.p.server, nil
	case <-c.p.closed:
		return 0, nil, net.ErrClosed
	}
}
func (c *dtlsPacketConn) WriteTo(b []byte, _ net.Addr) (int, error) {
	return c.p.conn.WriteToUDP(b, c.p.server)
}
func (c *dtlsPacketConn) Close() error                     { return nil }
func (c *dtlsPacketConn) LocalAddr() net.Addr              { return c.p.conn.LocalAddr() }
func (c *dtlsPacketConn) SetDeadline(time.Time) error      { return nil }
func (c *dtlsPacketConn) SetReadDeadline(time.Time) error  { return nil }
func (c *dtlsPacketConn) SetWriteDeadline(time.Time) error { return nil }
