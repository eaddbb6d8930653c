module github.com/mailprofile/mailprofile

go 1.26.8

require (
	github.com/labstack/echo/v4 v4.16.0
	go.mozilla.org/pkcs7 v0.10.0
	golang.org/x/net v0.62.0
	golang.org/x/time v0.15.0
	howett.net/plist v1.0.1
)

require (
	github.com/labstack/gommon v0.5.0 // indirect
	github.com/mattn/go-colorable v0.1.15 // indirect
	github.com/mattn/go-isatty v0.0.22 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	github.com/valyala/fasttemplate v1.2.2 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
