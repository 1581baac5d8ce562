package sshdtest

import (
	"net"
	"sync"
	"testing"
)

// Proxy forwards TCP connections to an upstream address and can cut a
// connection in the middle of a transfer, as a dropped network link would.
type Proxy struct {
	Addr string // "127.0.0.1:PORT" to dial instead of the upstream

	upstream string
	l        net.Listener

	mu       sync.Mutex
	cutAfter int64 // cut the next connection after this many bytes; <0: don't
	conns    map[net.Conn]bool
	accepted int
	frozen   bool
}

// NewProxy listens on a free loopback port and forwards to upstream until
// the test ends.
func NewProxy(tb testing.TB, upstream string) *Proxy {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{Addr: l.Addr().String(), upstream: upstream, l: l, cutAfter: -1, conns: map[net.Conn]bool{}}
	go p.serve()
	tb.Cleanup(func() {
		l.Close()
		p.CloseAll()
	})
	return p
}

// CutNextAfter makes the next accepted connection close, in both
// directions, once n bytes have passed through it (both directions
// together), as a link that drops in the middle of a transfer.
func (p *Proxy) CutNextAfter(n int64) {
	p.mu.Lock()
	p.cutAfter = n
	p.mu.Unlock()
}

// Freeze makes every connection silently drop all traffic from now on,
// in both directions, as a link to a host that vanished without a reset.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	p.frozen = true
	p.mu.Unlock()
}

func (p *Proxy) isFrozen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frozen
}

// Accepted returns how many connections the proxy has accepted.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// CloseAll cuts every open connection.
func (p *Proxy) CloseAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

func (p *Proxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		cut := p.cutAfter
		p.cutAfter = -1
		p.accepted++
		p.mu.Unlock()
		go p.forward(c, cut)
	}
}

func (p *Proxy) forward(c net.Conn, cut int64) {
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	closeBoth := func() {
		c.Close()
		up.Close()
		p.mu.Lock()
		delete(p.conns, c)
		delete(p.conns, up)
		p.mu.Unlock()
	}
	var mu sync.Mutex
	left := cut
	// pipe copies src to dst, counting bytes against the cut.
	pipe := func(dst, src net.Conn) {
		defer closeBoth()
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if p.isFrozen() {
				n = 0
			}
			if n > 0 {
				stop := false
				if cut >= 0 {
					mu.Lock()
					if int64(n) >= left {
						n, stop = int(left), true
					}
					left -= int64(n)
					mu.Unlock()
				}
				if _, werr := dst.Write(buf[:n]); werr != nil || stop {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}
	go pipe(up, c)
	pipe(c, up)
}
