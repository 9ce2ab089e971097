// Command wirefuzz plays a hostile participant against a live mediasoup WebRtcServer, for the
// worker fuzz test (test/e2e/media/workerFuzz.test.ts). It is given, on standard input, the ICE
// and DTLS parameters of a send transport that the test created for it through the room's
// signalling, and:
//
//  1. prints its own DTLS fingerprint (the test hands it to connectTransport) and waits for "go";
//  2. completes ICE (STUN with the transport's credentials) and a DTLS-SRTP handshake, as a
//     browser would, so that its packets reach the worker's RTP and RTCP parsers;
//  3. sends SRTP-protected RTP with malformed payloads, padding and header extensions on the SSRC
//     the test registered as a producer, and SRTCP with malformed compound RTCP (bad lengths and
//     counts, NACK, transport-cc, PLI/FIR, REMB, XR/DLRR, SDES, BYE, APP), and damaged copies of
//     them (bad tags, cut packets) on the same connection;
//  4. sends from other sockets random datagrams and malformed STUN and DTLS records;
//
// all on loopback, bounded by a packet count and a deadline, then prints a JSON summary.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand"
	"net"
	"os"
	"time"
)

// Params is what the test sends, as one JSON line.
type Params struct {
	Host        string `json:"host"`
	Port        int    `json:"port"`
	Ufrag       string `json:"ufrag"`
	Pwd         string `json:"pwd"`
	Fingerprint string `json:"fingerprint"` // sha-256 of the server's certificate, as in dtlsParameters
	SSRC        uint32 `json:"ssrc"`        // the SSRC of the producer the test registered
	PayloadType uint8  `json:"payloadType"`
	Packets     int    `json:"packets"` // per kind (RTP, RTCP, raw)
	Seconds     int    `json:"seconds"` // overall deadline
	Seed        int64  `json:"seed"`
}

// Summary is printed at the end, as one JSON line.
type Summary struct {
	DtlsConnected bool   `json:"dtlsConnected"`
	Profile       string `json:"profile"`
	RTP           int    `json:"rtp"`
	RTCP          int    `json:"rtcp"`
	Damaged       int    `json:"damaged"`
	Raw           int    `json:"raw"`
	SendErrors    int    `json:"sendErrors"`
	Millis        int64  `json:"millis"`
}

func main() {
	in := bufio.NewReader(os.Stdin)
	line, err := in.ReadBytes('\n')
	if err != nil {
		fail("read params: %v", err)
	}
	var p Params
	if err := json.Unmarshal(line, &p); err != nil {
		fail("parse params: %v", err)
	}
	if p.Packets <= 0 || p.Packets > 100000 || p.Seconds <= 0 || p.Seconds > 120 {
		fail("packets must be 1..100000 and seconds 1..120")
	}
	ip := net.ParseIP(p.Host)
	if ip == nil || !ip.IsLoopback() {
		fail("host must be a loopback address")
	}
	server := &net.UDPAddr{IP: ip, Port: p.Port}
	peer, err := newPeer(server, p)
	if err != nil {
		fail("%v", err)
	}
	defer peer.Close()
	emit(map[string]string{"fingerprint": peer.Fingerprint()})
	if _, err := in.ReadBytes('\n'); err != nil {
		fail("wait for go: %v", err)
	}

	started := time.Now()
	deadline := started.Add(time.Duration(p.Seconds) * time.Second)
	rng := rand.New(rand.NewSource(p.Seed))
	sum := Summary{}
	if err := peer.Connect(deadline); err != nil {
		fail("connect: %v", err)
	}
	sum.DtlsConnected, sum.Profile = true, peer.Profile()
	g := &generator{rng: rng, ssrc: p.SSRC, pt: p.PayloadType}
	sum.RTP, sum.RTCP, sum.Damaged, sum.SendErrors = peer.Flood(g, p.Packets, deadline)
	sum.Raw = rawFlood(server, rng, p.Packets, deadline, peer.remoteUfrag())
	sum.Millis = time.Since(started).Milliseconds()
	emit(sum)
}

func emit(v any) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "wirefuzz: "+format+"\n", args...)
	os.Exit(1)
}
