// The article form's writing aids: headline and summary counters, the body's word count and
// reading time, the autosave (autosave/views.py) with its restore offer, and a confirmation
// before the buttons that take an article away from readers. Loaded by ArticleAdmin.Media
// as a classic script in <head>, before the editor's modules run, so the editor's ready
// event (static/js/editor/newsroom.js) is never missed.
"use strict"
;(() => {
  let bodyEditor = null
  const whenEditor = []
  document.addEventListener("newsroom:editor-ready", (event) => {
    bodyEditor = event.detail.editor
    whenEditor.splice(0).forEach((callback) => callback(bodyEditor))
  })

  function onEditor(callback) {
    if (bodyEditor) callback(bodyEditor)
    else whenEditor.push(callback)
  }

  // Arabic counted nouns: 1 and 2 have their own forms, 3 to 10 take the plural.
  function counted(n, one, two, few, many) {
    if (n === 1) return one
    if (n === 2) return two
    if (n >= 3 && n <= 10) return `${n} ${few}`
    return `${n} ${many}`
  }

  function wordCount(text) {
    return text.split(/\s+/u).filter((word) => /[\p{L}\p{N}]/u.test(word)).length
  }

  // Headline and summary: how long they are against what search engines show. Advice only.
  function charCounter(input, limit) {
    const note = document.createElement("div")
    note.className = "char-count"
    note.setAttribute("aria-live", "polite")
    input.insertAdjacentElement("afterend", note)
    const update = () => {
      const n = [...input.value].length
      const over = n > limit
      note.classList.toggle("is-over", over)
      note.textContent = over
        ? `${n} / ${limit} حرفاً: أطول مما تعرضه محركات البحث عادةً، فقد يُقطع آخره.`
        : `${n} / ${limit} حرفاً`
    }
    input.addEventListener("input", update)
    update()
  }

  function bodyStats(settings) {
    const row = document.querySelector(".form-row.field-body")
    if (!row) return
    const stats = document.createElement("div")
    stats.className = "body-stats"
    stats.setAttribute("aria-live", "polite")
    row.append(stats)
    const perMinute = Number(settings.wordsPerMinute) || 180
    const update = (editor) => {
      const words = wordCount(editor.getText())
      const minutes = Math.max(1, Math.round(words / perMinute))
      const reading = counted(minutes, "دقيقة واحدة", "دقيقتين", "دقائق", "دقيقة") // after «نحو»: genitive
      stats.innerHTML = ""
      const count = document.createElement("span")
      count.className = "body-words"
      count.dataset.words = words
      count.textContent = `عدد الكلمات: ${words}`
      const time = document.createElement("span")
      time.className = "body-reading"
      time.textContent = `وقت القراءة: نحو ${reading}`
      stats.append(count, time)
    }
    onEditor((editor) => {
      update(editor)
      editor.on("update", () => update(editor))
    })
  }

  // Autosave ---------------------------------------------------------------------------

  const SKIPPED = new Set(["csrfmiddlewaretoken", "loaded_version", "autosave_draft_key"])

  function csrfToken(form) {
    return form.querySelector("input[name=csrfmiddlewaretoken]")?.value || ""
  }

  function serialize(form) {
    const fields = {}
    for (const element of form.elements) {
      const name = element.name
      // Inline rows (corrections) are named prefix-0-field: not part of the article.
      if (!name || SKIPPED.has(name) || name.includes("-") || name.startsWith("_")) continue
      if (element.type === "file" || element.type === "submit" || element.type === "button") {
        continue
      }
      if (element.tagName === "SELECT") {
        fields[name] = [...element.selectedOptions].map((o) => [o.value, o.textContent.trim()])
      } else if (element.type === "checkbox") {
        fields[name] = element.checked ? "on" : ""
      } else if (element.type === "radio") {
        if (element.checked) fields[name] = element.value
      } else {
        fields[name] = element.value
      }
    }
    if (bodyEditor && "body" in fields) fields.body = bodyEditor.getHTML()
    return fields
  }

  function fill(form, fields) {
    for (const [name, value] of Object.entries(fields)) {
      if (name === "body") {
        const textarea = form.elements.namedItem("body")
        if (textarea) textarea.value = value
        onEditor((editor) => editor.commands.setContent(value, { emitUpdate: true }))
        continue
      }
      const element = form.elements.namedItem(name)
      if (!element || element.readOnly || element.disabled) continue
      if (element.tagName === "SELECT" && Array.isArray(value)) {
        for (const option of element.options) option.selected = false
        for (const [optionValue, text] of value) {
          const option = [...element.options].find((o) => o.value === optionValue)
          if (option) option.selected = true
          else element.add(new Option(text, optionValue, true, true))
        }
      } else if (element.type === "checkbox") {
        element.checked = value === "on"
      } else if (typeof value === "string") {
        element.value = value
      }
      element.dispatchEvent(new Event("input", { bubbles: true }))
      element.dispatchEvent(new Event("change", { bubbles: true }))
    }
  }

  function newDraftKey() {
    if (window.crypto?.randomUUID) return window.crypto.randomUUID()
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
  }

  function autosave(form, settings) {
    const article = settings.article ? Number(settings.article) : null
    const keyInput = document.getElementById("id_autosave_draft_key")
    if (!article && keyInput && !/^[A-Za-z0-9-]{8,64}$/.test(keyInput.value)) {
      keyInput.value = newDraftKey()
    }
    const status = document.querySelector(".autosave-status")
    const versionInput = form.elements.namedItem("loaded_version")
    let last = null // what the server has, as JSON
    let touched = false // the person changed something since the page opened
    let pending = false // an offer waits for «استعادة» or «تجاهل»
    let submitting = false
    let sending = null // the body of the save in flight: the same one is not sent twice

    const say = (text, isError = false) => {
      if (!status) return
      status.textContent = text
      status.classList.toggle("is-error", isError)
    }

    const payload = () =>
      JSON.stringify({
        article,
        draft_key: article ? "" : keyInput.value,
        based_on: versionInput && versionInput.value ? Number(versionInput.value) : null,
        fields: serialize(form),
      })

    async function save(leaving = false) {
      if (!touched || pending || submitting) return
      const body = payload()
      if (body === last || body === sending) return
      sending = body
      try {
        const response = await fetch(settings.autosaveUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
          body,
          // A request may outlive the page only up to 64 KB (the fetch standard's keepalive
          // quota); a longer body was saved by the timer or when the tab was hidden.
          keepalive: leaving && body.length < 60000,
        })
        const answer = await response.json()
        if (!response.ok) {
          say(answer.error || "تعذّر الحفظ التلقائي.", true)
          return
        }
        last = body
        say(`حُفظ تلقائياً في ${answer.saved_at_text}. لم يُحفظ المقال بعد؛ احفظه بالزر.`)
      } catch (error) {
        if (!leaving) say("تعذّر الحفظ التلقائي: لا اتصال بالخادم. سنحاول مرة أخرى.", true)
      } finally {
        sending = null
      }
    }

    form.addEventListener("input", () => (touched = true))
    form.addEventListener("change", () => (touched = true))
    form.addEventListener("submit", () => (submitting = true))
    // A form re-rendered with errors after a save carries what was typed: keep saving it.
    if (document.querySelector(".errornote")) touched = true
    setInterval(save, (Number(settings.autosaveSeconds) || 30) * 1000)
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") save(true)
    })
    window.addEventListener("pagehide", () => save(true))

    offer(form, settings, article, keyInput, {
      pause: () => {
        pending = true
        say("الحفظ التلقائي متوقف حتى تختار: استعادة النص غير المحفوظ أو تجاهله.")
      },
      resume: (restored, staleVersion) => {
        pending = false
        if (restored) {
          touched = true
          // A restored text older than the saved article must not overwrite it: the form
          // states the version the text was based on, so the version lock refuses the
          // save and keeps the text in the form, with its usual message.
          if (staleVersion && versionInput) versionInput.value = staleVersion
          say("استُعيد النص غير المحفوظ في النموذج. راجعه ثم احفظ المقال.")
        } else {
          say("")
        }
      },
    })
  }

  async function offer(form, settings, article, keyInput, control) {
    const box = document.getElementById("autosave-offer")
    if (!box) return
    const query = article ? `article=${article}` : "new=1"
    let answer
    try {
      const response = await fetch(`${settings.autosaveUrl}?${query}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      if (!response.ok) return
      answer = await response.json()
    } catch (error) {
      return
    }
    if (!answer.found) return
    const headline = answer.fields.headline ? `: «${answer.fields.headline}»` : ""
    box.querySelector(".autosave-offer-text").textContent = article
      ? `لديك نص غير محفوظ من هذا المقال، حُفظ تلقائياً في ${answer.saved_at_text}.`
      : `لديك مقال جديد لم يُحفظ بعد${headline}، حُفظ تلقائياً في ${answer.saved_at_text}.`
    box.querySelector(".autosave-offer-stale").hidden = !answer.stale
    box.classList.toggle("is-stale", answer.stale)
    box.hidden = false
    control.pause()
    box.querySelector(".autosave-restore").addEventListener("click", () => {
      if (!article) keyInput.value = answer.draft_key
      fill(form, answer.fields)
      box.hidden = true
      control.resume(true, answer.stale ? answer.based_on_version : null)
    })
    box.querySelector(".autosave-discard").addEventListener("click", async () => {
      const which = article ? `article=${article}` : `draft=${answer.draft_key}`
      box.hidden = true
      control.resume(false)
      await fetch(`${settings.discardUrl}?${which}`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) },
      })
    })
  }

  // Buttons that take an article from readers or back to its author ask first.
  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("button[data-confirm]")
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault()
  })

  document.addEventListener("DOMContentLoaded", () => {
    const writing = document.getElementById("writing")
    const form = document.getElementById("article_form")
    if (!writing || !form) return
    const settings = writing.dataset
    for (const [id, limit] of [
      ["id_headline", settings.headlineLimit],
      ["id_summary", settings.summaryLimit],
    ]) {
      const input = document.getElementById(id)
      if (input) charCounter(input, Number(limit))
    }
    bodyStats(settings)
    if (settings.autosave === "on") autosave(form, settings)
  })
})()
