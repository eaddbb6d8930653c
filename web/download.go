package web

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
)

// profileContentType makes Safari hand the file to the profile installer.
const profileContentType = "application/x-apple-aspen-config"

// downloadProfile serves GET /profile: the signed configuration profile.
// Everything is built and signed in memory before a header is written, so
// a failure yields a clean error response, never half a profile.
func (s *Server) downloadProfile(c echo.Context) error {
	req, err := parseAccountRequest(rawForm(c))
	if err != nil {
		return err
	}
	body, err := s.buildProfile(c, req)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment",
		map[string]string{"filename": profile.FileName(req.Addr)}))
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body))) // else Echo sends it chunked
	return c.Blob(http.StatusOK, profileContentType, body)
}

// buildProfile finds the settings for req, builds the plist and signs it.
func (s *Server) buildProfile(c echo.Context, req accountRequest) ([]byte, error) {
	found, err := s.finder.Find(c.Request().Context(), req.Addr, req.Proto)
	if err != nil {
		return nil, err
	}
	doc, err := profile.Build(found.Account(req.Addr, req.Proto, req.Name), s.options)
	if err != nil {
		return nil, fmt.Errorf("build profile: %w", err)
	}
	if s.signer == nil {
		return doc, nil
	}
	signed, err := s.signer.Sign(doc)
	if err != nil {
		return nil, fmt.Errorf("sign profile: %w", err)
	}
	return signed, nil
}
