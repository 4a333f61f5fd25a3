// The newsroom's additions to django-prose-editor, loaded as an extension module through
// DJANGO_PROSE_EDITOR_EXTENSIONS: the image library picker, the "اقرأ أيضاً" button and the
// Arabic toolbar. Every string a journalist sees goes through gettext; the Arabic lives in
// locale/ar/LC_MESSAGES/djangojs.po.
import { crel, Extension, gettext, Plugin } from "django-prose-editor/editor"

const CONFIG_ATTRIBUTE = "data-django-prose-editor-configurable"

function editorConfig() {
  const textarea = document.querySelector(`[${CONFIG_ATTRIBUTE}]`)
  return textarea ? JSON.parse(textarea.getAttribute(CONFIG_ATTRIBUTE) || "{}") : {}
}

// The package reads window.gettext, which looks strings up in django.catalog when called:
// merging our catalog in before the editor is built makes its menus and dialogs Arabic.
async function loadCatalog() {
  const url = editorConfig().extensions?.ReadAlso?.catalogUrl
  if (!url || !window.django?.catalog) return
  try {
    const response = await fetch(url, { credentials: "same-origin" })
    Object.assign(window.django.catalog, (await response.json()).catalog)
  } catch (error) {
    console.error("newsroom editor: translations unavailable", error)
  }
}

function loadStylesheet() {
  const href = new URL("../../css/editor.css", import.meta.url).href
  if (!document.querySelector(`link[href="${href}"]`)) {
    document.head.append(crel("link", { rel: "stylesheet", href }))
  }
}

await loadCatalog()
loadStylesheet()

function csrfToken() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value || ""
}

async function getJSON(url, params) {
  const response = await fetch(`${url}?${new URLSearchParams(params)}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
  if (!response.ok) throw new Error(`${response.status}`)
  return response.json()
}

// A modal <dialog> placed next to the editor, so that it inherits the page's direction.
function openDialog(editor, className, title, children) {
  const close = crel("button", { type: "button", textContent: gettext("Cancel") })
  const dialog = crel("dialog", { className: `prose-editor-dialog ${className}` }, [
    crel("h3", { className: "prose-editor-dialog-title", textContent: title }),
    ...children,
    crel("div", { className: "prose-editor-dialog-buttons" }, [close]),
  ])
  close.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => dialog.remove())
  editor.view.dom.parentElement.append(dialog)
  dialog.showModal()
  return dialog
}

function searchBox(placeholder, onSearch) {
  const input = crel("input", { type: "search", placeholder, className: "newsroom-search" })
  let timer
  input.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(() => onSearch(input.value.trim()), 250)
  })
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault()
      onSearch(input.value.trim())
    }
  })
  return input
}

function insertFigure(editor, image, caption) {
  const content = [
    {
      type: "image",
      attrs: { src: image.src, alt: image.alt, width: image.width, height: image.height },
    },
  ]
  if (caption) content.push({ type: "caption", content: [{ type: "text", text: caption }] })
  editor.chain().focus().insertContent({ type: "figure", content }).run()
}

function openImagePicker(editor, options) {
  const results = crel("div", { className: "newsroom-picker-results", role: "listbox" })
  const status = crel("p", { className: "newsroom-picker-status", role: "status" })
  const chosen = crel("div", { className: "newsroom-picker-chosen" })
  let dialog

  const processingNote = (image) =>
    crel("small", { className: "newsroom-picker-processing", textContent: image.status })

  const choose = (image) => {
    const caption = crel("input", { type: "text", name: "caption", value: image.caption })
    const insert = crel("button", {
      type: "button",
      className: "newsroom-primary",
      textContent: gettext("Insert"),
    })
    insert.addEventListener("click", () => {
      insertFigure(editor, image, caption.value.trim())
      dialog.close()
    })
    chosen.replaceChildren(
      crel("img", { src: image.thumbnail, alt: "", width: 160 }),
      crel("div", {}, [
        ...(image.status ? [processingNote(image)] : []),
        crel("p", { textContent: `${gettext("Alternative Text")}: ${image.alt}` }),
        crel("label", {}, [gettext("Caption"), caption]),
        insert,
      ]),
    )
    caption.focus()
  }

  const show = (images) => {
    status.textContent = images.length ? "" : gettext("No images found.")
    results.replaceChildren(
      ...images.map((image) => {
        const button = crel(
          "button",
          { type: "button", className: "newsroom-picker-item", title: image.alt },
          [
            crel("img", { src: image.thumbnail, alt: "", width: 160, height: 90 }),
            crel("span", { textContent: image.title }),
            ...(image.status ? [processingNote(image)] : []),
          ],
        )
        button.addEventListener("click", () => choose(image))
        return button
      }),
    )
  }

  const search = async (query) => {
    status.textContent = gettext("Searching…")
    try {
      show((await getJSON(options.searchUrl, { q: query })).results)
    } catch {
      status.textContent = gettext("The image library could not be reached.")
    }
  }

  dialog = openDialog(editor, "newsroom-picker", gettext("Image library"), [
    searchBox(gettext("Search by title, description or caption"), search),
    status,
    results,
    chosen,
    uploadForm(options, (image) => {
      show([image])
      choose(image)
    }),
  ])
  search("")
}

function uploadForm(options, onUploaded) {
  const field = (name, label, attributes = {}) =>
    crel("label", {}, [label, crel("input", { name, type: "text", ...attributes })])
  const errors = crel("ul", { className: "newsroom-errors", role: "alert" })
  const submit = crel("button", { type: "button", textContent: gettext("Upload") })
  const form = crel("div", { className: "newsroom-upload" }, [
    field("file", gettext("Image file"), {
      type: "file",
      accept: "image/jpeg,image/png,image/webp,image/gif",
    }),
    field("title", gettext("Title")),
    field("alt_text", gettext("Alternative Text")),
    field("caption", gettext("Caption")),
    field("credit", gettext("Credit")),
    errors,
    submit,
  ])
  submit.addEventListener("click", async () => {
    const data = new FormData()
    for (const input of form.querySelectorAll("input")) {
      data.append(input.name, input.type === "file" ? input.files[0] || "" : input.value)
    }
    data.append("focal_x", "0.5")
    data.append("focal_y", "0.5")
    submit.disabled = true
    try {
      const response = await fetch(options.uploadUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
      const body = await response.json()
      if (response.ok) {
        errors.replaceChildren()
        onUploaded(body.image)
      } else {
        errors.replaceChildren(
          ...Object.values(body.errors)
            .flat()
            .map((message) => crel("li", { textContent: message })),
        )
      }
    } catch {
      errors.replaceChildren(crel("li", { textContent: gettext("Upload failed.") }))
    } finally {
      submit.disabled = false
    }
  })
  return crel("details", {}, [
    crel("summary", { textContent: gettext("Upload a new image") }),
    form,
  ])
}

// A paragraph of its own after the block holding the cursor.
function insertParagraphAfter(editor, content) {
  const { $from } = editor.state.selection
  const position = $from.depth ? $from.after(1) : $from.pos
  editor.chain().focus().insertContentAt(position, { type: "paragraph", content }).run()
}

function insertReadAlso(editor, article) {
  insertParagraphAfter(editor, [
    { type: "text", text: "اقرأ أيضاً:", marks: [{ type: "bold" }] },
    { type: "text", text: " " },
    { type: "text", text: article.headline, marks: [{ type: "link", attrs: { href: article.href } }] },
  ])
}

function openReadAlso(editor, options) {
  const results = crel("ul", { className: "newsroom-read-also-results" })
  const status = crel("p", { className: "newsroom-picker-status", role: "status" })
  let dialog
  const search = async (query) => {
    status.textContent = gettext("Searching…")
    try {
      const articles = (await getJSON(options.searchUrl, { q: query })).results
      status.textContent = articles.length ? "" : gettext("No articles found.")
      results.replaceChildren(
        ...articles.map((article) => {
          const button = crel("button", { type: "button" }, [
            crel("span", { textContent: article.headline }),
            crel("span", {
              className: `newsroom-status ${article.live ? "is-live" : "is-hidden"}`,
              textContent: article.live
                ? article.status
                : `${article.status} · ${gettext("not on the site: the link stays hidden")}`,
            }),
          ])
          button.addEventListener("click", () => {
            insertReadAlso(editor, article)
            dialog.close()
          })
          return crel("li", {}, [button])
        }),
      )
    } catch {
      status.textContent = gettext("Articles could not be searched.")
    }
  }
  dialog = openDialog(editor, "newsroom-read-also", gettext("Read also"), [
    searchBox(gettext("Search headlines"), search),
    status,
    results,
  ])
  search("")
}

// «تضمين»: a post's address alone in a paragraph, as a link whose text is the title; the
// reader's page turns it into a click-to-load card (articles/body/embeds.py decides which
// addresses; this list only spares the journalist a link that would stay a plain link).
const EMBED_HOSTS = /^(www\.|m\.|mobile\.)?(youtube\.com|youtu\.be|x\.com|twitter\.com|t\.me|telegram\.me|facebook\.com|fb\.watch)$/

// Videos, which may carry an upload date (the article's JSON-LD describes them with it).
const VIDEO_HOSTS = /^(www\.|m\.)?(youtube\.com|youtu\.be|facebook\.com|fb\.watch)$/

function insertEmbed(editor, href, title, uploadDate) {
  insertParagraphAfter(editor, [
    { type: "text", text: title || href, marks: [{ type: "link", attrs: { href, uploadDate } }] },
  ])
}

function today() {
  const now = new Date()
  const pad = (n) => String(n).padStart(2, "0")
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

function openEmbed(editor) {
  const address = crel("input", { type: "url", name: "url", dir: "ltr", required: true })
  const title = crel("input", { type: "text", name: "title", maxLength: 200 })
  // The server checks the day again (articles/body/sanitize.py: validate_upload_dates).
  const uploaded = crel("input", { type: "date", name: "upload_date", min: "2005-01-01", max: today() })
  const error = crel("p", { className: "newsroom-picker-status", role: "alert" })
  const submit = crel("button", { type: "submit", textContent: gettext("Insert") })
  const form = crel("form", { className: "newsroom-embed-form" }, [
    crel("label", {}, [gettext("Post or video address"), address]),
    crel("label", {}, [gettext("Title (optional)"), title]),
    crel("label", {}, [gettext("Video publication date (optional)"), uploaded]),
    crel("p", { className: "newsroom-embed-hint", textContent: gettext("With a title and a date, search engines are told about the video. Not for posts on X or Telegram.") }),
    crel("p", { textContent: gettext("YouTube, X (Twitter), a Telegram channel post or a Facebook video. Readers see a card and load the player only when they click it.") }),
    error,
    submit,
  ])
  let dialog
  form.addEventListener("input", () => {
    error.textContent = ""
  })
  form.addEventListener("submit", (event) => {
    event.preventDefault()
    let url
    try {
      url = new URL(address.value.trim())
    } catch {
      error.textContent = gettext("This is not a web address.")
      return
    }
    if (!/^https?:$/.test(url.protocol) || !EMBED_HOSTS.test(url.hostname)) {
      error.textContent = gettext("Only YouTube, X, Telegram and Facebook addresses can be embedded.")
      return
    }
    const day = uploaded.value
    if (day && !VIDEO_HOSTS.test(url.hostname)) {
      error.textContent = gettext("A publication date is for videos only (YouTube, Facebook).")
      return
    }
    if (day && (!uploaded.checkValidity() || !/^\d{4}-\d{2}-\d{2}$/.test(day))) {
      error.textContent = gettext("Choose a date between 2005-01-01 and today.")
      return
    }
    if (day && !title.value.trim()) {
      error.textContent = gettext("A video with a publication date needs a title.")
      return
    }
    insertEmbed(editor, url.href, title.value.trim(), day || null)
    dialog.close()
  })
  dialog = openDialog(editor, "newsroom-embed", gettext("Embed"), [form])
  address.focus()
}

export const Embed = Extension.create({
  name: "embed",

  // A video's upload date rides on its link as data-upload-date, so the editor keeps it when
  // the article is opened again, copied or pasted (the server allowlists the attribute).
  addGlobalAttributes() {
    return [
      {
        types: ["link"],
        attributes: {
          uploadDate: {
            default: null,
            parseHTML: (element) => element.getAttribute("data-upload-date"),
            renderHTML: (attributes) =>
              attributes.uploadDate ? { "data-upload-date": attributes.uploadDate } : {},
          },
        },
      },
    ]
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      command: (editor) => openEmbed(editor),
      button: buttons.text(gettext("Embed"), "Embed a video or a post"),
      enabled: (editor) => editor.isEditable,
    })
  },
})

// Titles the package sets without gettext ("bold", "heading 2", ...) are translated here.
function translateMenu(definedItems) {
  for (const item of Object.values(definedItems)) {
    const button = item.button
    if (button?.title) {
      const title = gettext(button.title)
      button.title = title
      button.setAttribute("aria-label", title)
    }
    if (item.option?.textContent) item.option.textContent = gettext(item.option.textContent)
  }
}

// Pasted pictures from other sites or the clipboard (file:, data:) would be dropped by the
// server on save; drop them at once so the journalist sees what will be kept.
function withoutForeignImages(html, mediaUrl) {
  const doc = new DOMParser().parseFromString(html, "text/html")
  for (const img of doc.querySelectorAll("img")) {
    const src = img.getAttribute("src") || ""
    const url = new URL(src, window.location.href)
    if (url.origin !== window.location.origin || !url.pathname.startsWith(mediaUrl)) {
      img.remove()
    }
  }
  return doc.body.innerHTML
}

export const ImagePicker = Extension.create({
  name: "imagePicker",

  addOptions() {
    return { searchUrl: null, uploadUrl: null, mediaUrl: "/media/" }
  },

  addProseMirrorPlugins() {
    const { mediaUrl } = this.options
    return [
      new Plugin({
        props: { transformPastedHTML: (html) => withoutForeignImages(html, mediaUrl) },
      }),
    ]
  },

  addMenuItems({ menu, buttons }) {
    // Replaces the package's "figure" item, which asks for a URL: body images come from
    // the library only (the server drops any other source).
    menu.defineItem({
      name: "figure",
      groups: "nodes",
      command: (editor) => openImagePicker(editor, this.options),
      button: buttons.material("add_photo_alternate", "Insert image from the library"),
      enabled: (editor) => editor.isEditable,
    })
  },
})

export const ReadAlso = Extension.create({
  name: "readAlso",

  addOptions() {
    return { searchUrl: null, catalogUrl: null }
  },

  onCreate() {
    // The article form's counters and autosave (static/js/writing.js) read and restore the
    // body through the editor's own API; every body editor has this extension.
    document.dispatchEvent(
      new CustomEvent("newsroom:editor-ready", { detail: { editor: this.editor } }),
    )
  },

  addMenuItems({ menu, buttons, _definedItems }) {
    menu.defineItem({
      name: "readAlso",
      groups: "nodes",
      command: (editor) => openReadAlso(editor, this.options),
      button: buttons.text(gettext("Read also"), "Insert a read-also link to another article"),
      enabled: (editor) => editor.isEditable,
    })
    translateMenu(_definedItems)
  },
})
