package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/mailprofile/mailprofile/store"
)

const userUsage = `usage:
  mailprofile user add NAME      create a helpdesk account; asks for its password
  mailprofile user passwd NAME   set a new password (ends the account's sessions)
  mailprofile user remove NAME   delete the account (its links and audit trail stay)
  mailprofile user list          list the accounts

The password is read from the terminal, or from the first line of standard
input when that is not a terminal.`

// user manages helpdesk accounts in the store.
func user(ctx context.Context, cfg *Config, args []string, e env) error {
	if len(args) == 0 {
		return usageError(userUsage)
	}
	sub, args := args[0], args[1:]
	want := 1
	if sub == "list" {
		want = 0
	}
	switch sub {
	case "add", "passwd", "remove", "list":
	default:
		return usageError(fmt.Sprintf("unknown user command %q\n%s", sub, userUsage))
	}
	if len(args) != want {
		return usageError(userUsage)
	}
	if want == 1 {
		if err := store.ValidateUserName(args[0]); err != nil {
			return err
		}
	}
	if err := ensureDataDir(cfg.DataDir); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "list":
		users, err := st.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tCREATED\tLAST SIGN-IN")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.CreatedAt.UTC().Format("2006-01-02"), dateOrNever(u.LastLoginAt))
		}
		return tw.Flush()
	case "remove":
		if _, err := st.User(ctx, args[0]); err != nil {
			return userError(args[0], err)
		}
		if err := st.DeleteUser(ctx, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed %s\n", args[0])
		return nil
	}
	name := args[0]
	if sub == "passwd" {
		if _, err := st.User(ctx, name); err != nil {
			return userError(name, err)
		}
	}
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	hash, err := store.HashPassword(password)
	if err != nil {
		return err
	}
	if sub == "add" {
		if err := st.CreateUser(ctx, name, hash, time.Now()); err != nil {
			return userError(name, err)
		}
		fmt.Fprintf(e.stdout, "added %s\n", name)
		return nil
	}
	if err := st.SetPassword(ctx, name, hash); err != nil {
		return userError(name, err)
	}
	fmt.Fprintf(e.stdout, "changed the password of %s\n", name)
	return nil
}

func userError(name string, err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("no helpdesk account %q", name)
	case errors.Is(err, store.ErrExists):
		return fmt.Errorf("the helpdesk account %q exists already; use user passwd to change its password", name)
	}
	return err
}

func dateOrNever(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// readPassword asks twice on a terminal, without echo; otherwise it reads
// the first line of standard input. Passwords never come from flags,
// which other users can see in ps.
func readPassword(e env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(e.stderr, "Again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("the passwords differ")
		}
		return string(p1), store.ValidatePassword(string(p1))
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, store.MaxPasswordLen*4+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, store.ValidatePassword(line)
}
