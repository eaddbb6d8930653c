package web

import (
	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// notes are found's notes in the page's language (site.Notes).
func (s *Server) notes(c echo.Context, found provider.Settings) []string {
	lang, _ := site.ChooseLanguage(c)
	return site.Notes(s.messages.ForLang(lang), found)
}
