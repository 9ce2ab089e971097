package main

import (
	"reflect"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/pion/srtp/v3"
	"github.com/pion/webrtc/v4"
)

// drainUndeclared accepts the SRTP and SRTCP streams of SSRCs nobody asked for (mediasoup's
// bandwidth probation packets, RTCP about its own SSRCs). pion/srtp hands each new SSRC to
// AcceptStream and waits until someone takes it, so on a transport where nobody does (Pion's
// PeerConnection runs such a loop; its ORTC DTLSTransport does not, and keeps the sessions
// unexported) the first unknown packet stops all RTP or RTCP of that transport. The sessions
// are read from the pinned Pion version's fields (go.sum pins it; a rename fails loudly here).
func drainUndeclared(t *webrtc.DTLSTransport, done <-chan struct{}) {
	v := reflect.ValueOf(t).Elem()
	load := func(name string) any {
		f := v.FieldByName(name)
		if !f.IsValid() {
			panic("pion DTLSTransport has no field " + name)
		}
		return (*atomic.Value)(unsafe.Pointer(f.UnsafeAddr())).Load()
	}
	for i := 0; i < 2000; i++ {
		rtpS, ok1 := load("srtpSession").(*srtp.SessionSRTP)
		rtcpS, ok2 := load("srtcpSession").(*srtp.SessionSRTCP)
		if ok1 && ok2 {
			go func() {
				for {
					if _, _, err := rtpS.AcceptStream(); err != nil {
						return
					}
				}
			}()
			go func() {
				for {
					if _, _, err := rtcpS.AcceptStream(); err != nil {
						return
					}
				}
			}()
			return
		}
		select {
		case <-done:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}
