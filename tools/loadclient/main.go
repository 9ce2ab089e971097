// Command loadclient is the WebRTC load client of `npm run bench:media`: many real viewers and
// publishers (ICE, DTLS-SRTP, RTCP receiver reports, NACK, PLI, transport-wide congestion
// control feedback) in one process, driven over stdin/stdout by the benchmark, which does the
// signalling of each system under test.
//
// Protocol: one JSON object per line. Requests {"id": n, "op": "...", ...} are answered by
// {"id": n, "ok": true, "data": {...}} or {"id": n, "ok": false, "error": "..."}, in any order
// (slow requests run concurrently). See the op* functions for each request's fields.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

type request struct {
	ID  int             `json:"id"`
	Op  string          `json:"op"`
	Raw json.RawMessage `json:"-"`
}

type response struct {
	ID    int    `json:"id"`
	OK    bool   `json:"ok"`
	Data  any    `json:"data,omitempty"`
	Error string `json:"error,omitempty"`
}

var (
	outMu sync.Mutex
	out   = bufio.NewWriterSize(os.Stdout, 1<<16)
)

func reply(r response) {
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(response{ID: r.ID, Error: err.Error()})
	}
	outMu.Lock()
	defer outMu.Unlock()
	out.Write(b)
	out.WriteByte('\n')
	out.Flush()
}

type handler func(raw json.RawMessage) (any, error)

func handlers(c *client) map[string]handler {
	return map[string]handler{
		"init":          c.opInit,
		"ortcTransport": c.opOrtcTransport,
		"ortcStart":     c.opOrtcStart,
		"ortcReceive":   c.opOrtcReceive,
		"ortcSend":      c.opOrtcSend,
		"sdpSubscribe":  c.opSdpSubscribe,
		"sdpPublish":    c.opSdpPublish,
		"sdpAnswer":     c.opSdpAnswer,
		"stats":         c.opStats,
		"impair":        c.opImpair,
		"close":         c.opClose,
	}
}

func main() {
	c := newClient()
	table := handlers(c)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	for in.Scan() {
		line := append([]byte(nil), in.Bytes()...)
		var req request
		if err := json.Unmarshal(line, &req); err != nil {
			reply(response{ID: -1, Error: "bad request: " + err.Error()})
			continue
		}
		h, ok := table[req.Op]
		if !ok {
			reply(response{ID: req.ID, Error: fmt.Sprintf("unknown op %q", req.Op)})
			continue
		}
		go func(id int) {
			data, err := h(line)
			if err != nil {
				reply(response{ID: id, Error: err.Error()})
				return
			}
			reply(response{ID: id, OK: true, Data: data})
		}(req.ID)
	}
	// stdin closed: the benchmark is done (or died); leave nothing behind.
	c.closeAll()
}
