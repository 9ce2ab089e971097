// Command ferretdb runs FerretDB v1.24 (MongoDB wire protocol over SQLite) for Witness Bridge.
//
// It wraps the embeddable package github.com/FerretDB/FerretDB/ferretdb instead of building
// upstream's cmd/ferretdb, whose version check panics when built outside FerretDB's own
// repository (its generated version.txt is not in the module). The flags mirror upstream's
// names so the service and the documentation can use the usual command line.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	handler := flag.String("handler", "sqlite", "backend handler (sqlite)")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URL, e.g. file:/var/lib/wb/db/")
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP listen address")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	exitWithParent := flag.Bool("exit-with-parent", false, "stop when the parent process dies (Linux)")
	// Accepted for command-line compatibility with upstream; the embedded build keeps no state
	// file, serves no debug endpoint and sends no telemetry.
	flag.String("state-dir", ".", "ignored")
	flag.String("debug-addr", "-", "ignored")
	flag.String("telemetry", "disable", "ignored")
	flag.Parse()

	if *exitWithParent {
		watchParent()
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb: bad --log-level:", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Handler:   *handler,
		SQLiteURL: *sqliteURL,
		Logger:    logger,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	fmt.Fprintln(os.Stderr, "ferretdb: listening on", *listenAddr)
	if err := f.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}
