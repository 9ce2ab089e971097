package main

// A bad network inside the client: delay and random loss on every UDP socket of the process,
// both ways, changeable at run time (a 100 % loss window is an outage). It stands in for
// `tc netem`, which the benchmark machines' kernel lacks ("Specified qdisc kind is unknown").
// Pion's ICE reads and writes through ReadFrom/WriteTo of the sockets SettingEngine.SetNet
// hands it, so every STUN, DTLS, RTP and RTCP packet of the client passes through here.

import (
	"math/rand/v2"
	"net"
	"sync/atomic"
	"time"

	"github.com/pion/transport/v5"
	"github.com/pion/transport/v5/stdnet"
)

type impairment struct {
	delayNs     atomic.Int64
	lossPerMill atomic.Int64
}

var impaired impairment

func (i *impairment) set(delay time.Duration, lossPct float64) {
	i.delayNs.Store(int64(delay))
	i.lossPerMill.Store(int64(lossPct * 10))
}

func (i *impairment) drop() bool {
	l := i.lossPerMill.Load()
	return l > 0 && rand.Int64N(1000) < l
}

func (i *impairment) delay() time.Duration { return time.Duration(i.delayNs.Load()) }

type impairedNet struct{ transport.Net }

func newImpairedNet() (transport.Net, error) {
	n, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	return impairedNet{n}, nil
}

func (n impairedNet) ListenUDP(network string, laddr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.ListenUDP(network, laddr)
	if err != nil {
		return nil, err
	}
	return newImpairedConn(c), nil
}

type inbound struct {
	data []byte
	addr net.Addr
	at   time.Time
}

type impairedConn struct {
	transport.UDPConn
	in  chan inbound
	err atomic.Value
}

func newImpairedConn(c transport.UDPConn) *impairedConn {
	ic := &impairedConn{UDPConn: c, in: make(chan inbound, 8192)}
	go ic.readLoop()
	return ic
}

func (c *impairedConn) readLoop() {
	for {
		buf := make([]byte, 1600)
		n, addr, err := c.UDPConn.ReadFrom(buf)
		if err != nil {
			c.err.Store(err)
			close(c.in)
			return
		}
		if impaired.drop() {
			continue
		}
		select {
		case c.in <- inbound{data: buf[:n], addr: addr, at: time.Now().Add(impaired.delay())}:
		default: // queue full: dropped, as a router's would be
		}
	}
}

func (c *impairedConn) ReadFrom(b []byte) (int, net.Addr, error) {
	p, ok := <-c.in
	if !ok {
		err, _ := c.err.Load().(error)
		return 0, nil, err
	}
	if d := time.Until(p.at); d > 0 {
		time.Sleep(d)
	}
	return copy(b, p.data), p.addr, nil
}

func (c *impairedConn) ReadFromUDP(b []byte) (int, *net.UDPAddr, error) {
	n, addr, err := c.ReadFrom(b)
	udp, _ := addr.(*net.UDPAddr)
	return n, udp, err
}

func (c *impairedConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	if impaired.drop() {
		return len(b), nil
	}
	d := impaired.delay()
	if d <= 0 {
		return c.UDPConn.WriteTo(b, addr)
	}
	data := append([]byte(nil), b...)
	time.AfterFunc(d, func() { _, _ = c.UDPConn.WriteTo(data, addr) })
	return len(b), nil
}

func (c *impairedConn) WriteToUDP(b []byte, addr *net.UDPAddr) (int, error) {
	return c.WriteTo(b, addr)
}
