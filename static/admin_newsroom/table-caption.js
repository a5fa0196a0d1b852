/* Tables with a caption, for django-prose-editor.

   The package's table has rows and cells only. A table's caption says what it shows
   ("Résultats du premier tour, en % des suffrages exprimés"): screen readers announce it
   with the table, and readers see it above. Here it is the table's own attribute, written
   in a dialog from the table's toolbar ("Légende du tableau") and saved as the table's
   first child, <caption>. A caption already in a body (an import, a paste) is read back
   into the attribute, so opening and saving an article never turns it into a row.

   The editor loads this module through DJANGO_PROSE_EDITOR_EXTENSIONS; its Table
   replaces the package's under the same name. */
import {
  mergeAttributes,
  Table as PackageTable,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const gettext = window.gettext || ((text) => text)

const captionDialog = updateAttrsDialog(
  {
    caption: {
      type: "string",
      title: gettext("What the table shows (leave empty for no caption)"),
    },
  },
  {
    title: gettext("Table caption"),
    submitText: gettext("Apply"),
  },
)

const captionOf = (table) => {
  const caption = table.querySelector(":scope > caption")
  const text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : ""
  return text || null
}

// The caption the editor shows over the table it belongs to: not editable in place (a
// click on it opens the dialog), and kept outside what ProseMirror reads back.
const showCaption = (tableView, text) => {
  let caption = tableView.table.querySelector(":scope > caption")
  if (!text) {
    caption?.remove()
    return
  }
  if (!caption) {
    caption = document.createElement("caption")
    caption.contentEditable = "false"
    caption.className = "prose-table-caption"
    tableView.table.prepend(caption)
  }
  caption.textContent = text
}

export const Table = PackageTable.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      caption: {
        default: null,
        parseHTML: captionOf,
        renderHTML: () => ({}), // written as a child element, not an attribute
      },
    }
  },

  parseHTML() {
    // The caption's words are the table's attribute (above), never a row of the table.
    return [...(this.parent?.() || [{ tag: "table" }]), { tag: "caption", ignore: true }]
  },

  renderHTML({ node, HTMLAttributes }) {
    const table = ["table", mergeAttributes(this.options.HTMLAttributes, HTMLAttributes)]
    if (node.attrs.caption) table.push(["caption", {}, node.attrs.caption])
    table.push(["tbody", 0])
    return this.options.renderWrapper ? ["div", { class: "tableWrapper" }, table] : table
  },

  addNodeView() {
    const makeView = this.parent?.()
    if (!makeView) return null
    return (props) => {
      const view = makeView(props)
      showCaption(view, props.node.attrs.caption)
      const baseUpdate = view.update.bind(view)
      view.update = (node) => {
        if (!baseUpdate(node)) return false
        showCaption(view, node.attrs.caption)
        return true
      }
      const baseIgnore = view.ignoreMutation?.bind(view)
      view.ignoreMutation = (mutation) => {
        const caption = view.table.querySelector(":scope > caption")
        if (caption && (mutation.target === caption || caption.contains(mutation.target))) {
          return true
        }
        if (mutation.type === "childList" && mutation.target === view.table) return true
        return baseIgnore ? baseIgnore(mutation) : false
      }
      view.stopEvent = (event) => {
        const caption = view.table.querySelector(":scope > caption")
        return Boolean(caption && event.target instanceof Node && caption.contains(event.target))
      }
      view.dom.addEventListener("click", (event) => {
        const caption = view.table.querySelector(":scope > caption")
        if (caption && caption.contains(event.target)) {
          const pos = props.getPos()
          if (typeof pos === "number") {
            props.editor.chain().focus().setTextSelection(pos + 3).editTableCaption().run()
          }
        }
      })
      return view
    }
  },

  addCommands() {
    return {
      ...this.parent?.(),
      editTableCaption:
        () =>
        ({ editor }) => {
          if (!editor.isActive("table")) return false
          const current = editor.getAttributes("table").caption || ""
          captionDialog(editor, { caption: current }).then((attrs) => {
            if (attrs) {
              const caption = attrs.caption.replace(/\s+/g, " ").trim() || null
              editor.chain().focus().updateAttributes("table", { caption }).run()
            }
          })
          return true
        },
    }
  },

  addMenuItems(context) {
    this.parent?.(context)
    const { buttons, menu } = context
    menu.defineItem({
      name: "table:caption",
      groups: "table",
      command(editor) {
        editor.chain().focus().editTableCaption().run()
      },
      button: buttons.svg(
        `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true">
        <line x1="5" y1="4" x2="19" y2="4" stroke-width="2.5"/>
        <rect x="3" y="8" width="18" height="13" rx="2"/>
        <line x1="3" y1="13" x2="21" y2="13"/>
        <line x1="12" y1="8" x2="12" y2="21"/>
      </svg>`,
        gettext("Table caption"),
      ),
      hidden(editor) {
        return !editor.isActive("table")
      },
      active(editor) {
        return Boolean(editor.isActive("table") && editor.getAttributes("table").caption)
      },
    })
  },
})
