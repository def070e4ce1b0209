;;; e2e.el --- batch test of editors/emacs/quadlet-ls.el with eglot -*- lexical-binding: t; -*-

;; Run by run.sh:
;;   emacs --batch -l e2e.el
;; with QUADLET_EL (the file under test), QUADLET_PATTERNS
;; (editors/test/file-patterns.txt), QUADLET_PROJECT (a copy of the
;; fixture) and quadlet-ls on PATH. Prints one line per check and
;; "emacs: N passed, M failed", and exits non-zero on any failure.

;;; Code:

(require 'package)
(package-initialize) ; Debian's elpa-eglot, where eglot is not built in
(require 'eglot)
(require 'flymake)

(defvar e2e-pass 0)
(defvar e2e-fail 0)

(defun e2e-check (name fn)
  "Run FN; count NAME as passed when it returns without an error."
  (condition-case err
      (progn (funcall fn)
             (setq e2e-pass (1+ e2e-pass))
             (princ (format "ok: %s\n" name)))
    (error (setq e2e-fail (1+ e2e-fail))
           (princ (format "FAILED: %s: %s\n" name (error-message-string err))))))

(defun e2e-wait (seconds what pred)
  "Wait up to SECONDS for PRED to return non-nil; else fail naming WHAT."
  (let ((until (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) until))
      (accept-process-output nil 0.1))
    (or value (error "Timed out waiting for %s" what))))

(e2e-check "the config loads" (lambda () (load (getenv "QUADLET_EL") nil t)))

(e2e-check "file patterns: units and Quadlet drop-ins only"
  (lambda ()
    (with-temp-buffer
      (insert-file-contents (getenv "QUADLET_PATTERNS"))
      (let (wrong)
        (dolist (line (split-string (buffer-string) "\n" t))
          (when (string-match "\\`\\(yes\\|no\\|deep\\) \\(.*\\)\\'" line)
            (let* ((want (equal (match-string 1 line) "yes"))
                   (path (match-string 2 line))
                   (mode (assoc-default path auto-mode-alist #'string-match)))
              (unless (eq want (eq mode 'quadlet-mode))
                (push (format "%s -> %s" path mode) wrong)))))
        (when wrong (error "Wrong modes: %s" (string-join wrong ", ")))))))

(defvar e2e-buffer nil)

(e2e-check "eglot connects to quadlet-ls for a unit"
  (lambda ()
    (setq e2e-buffer
          (find-file-noselect (expand-file-name "web.container" (getenv "QUADLET_PROJECT"))))
    (with-current-buffer e2e-buffer
      (unless (eq major-mode 'quadlet-mode) (error "Mode is %s" major-mode))
      ;; eglot-ensure (from the config's mode hook) connects after the next
      ;; command; batch mode runs no command loop, so run the hook here.
      (run-hooks 'post-command-hook)
      (e2e-wait 30 "a connected server" (lambda () (eglot-current-server)))
      (let ((server (eglot-current-server)))
        (unless (equal (plist-get (eglot--server-info server) :name) "quadlet-ls")
          (error "Server info: %S" (eglot--server-info server)))))))

(e2e-check "the diagnostics of the broken unit"
  (lambda ()
    (with-current-buffer e2e-buffer
      (let ((diag
             (e2e-wait 30 "a diagnostic naming Environmen="
                       (lambda ()
                         (unless (flymake-diagnostics) (flymake-start))
                         (seq-find (lambda (d)
                                     (string-match-p "unknown key Environmen=" (flymake-diagnostic-text d)))
                                   (flymake-diagnostics))))))
        (unless (= (line-number-at-pos (flymake-diagnostic-beg diag)) 7)
          (error "On line %d" (line-number-at-pos (flymake-diagnostic-beg diag))))
        (unless (eq (flymake-diagnostic-type diag) 'eglot-error)
          (error "Type %s" (flymake-diagnostic-type diag)))))))

(e2e-check "completion of a key in [Container]"
  (lambda ()
    (with-current-buffer e2e-buffer
      (goto-char (point-min))
      (forward-line 7)                  ; the blank line after Environmen=
      (insert "Volu")
      (let* ((capf (eglot-completion-at-point))
             (table (nth 2 capf))
             (found (and capf (all-completions "Volu" table))))
        (unless (member "Volume=" (mapcar #'substring-no-properties found))
          (error "Candidates: %S" (mapcar #'substring-no-properties found))))
      ;; and take it, as M-x completion-at-point does (the only candidate)
      (let ((completion-auto-help nil)) (completion-at-point))
      (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
        (unless (equal line "Volume=") (error "The line is %S" line)))
      (delete-region (line-beginning-position) (line-end-position)))))

(e2e-check "hover on Image="
  (lambda ()
    (with-current-buffer e2e-buffer
      (goto-char (point-min))
      (forward-line 4)                  ; Image=...
      (let* ((reply (jsonrpc-request (eglot-current-server) :textDocument/hover
                                     (eglot--TextDocumentPositionParams)))
             (contents (plist-get reply :contents))
             (text (if (stringp contents) contents (plist-get contents :value))))
        (unless (and text (string-match-p "Image" text))
          (error "Hover: %S" reply))))))

(ignore-errors (with-current-buffer e2e-buffer (eglot-shutdown (eglot-current-server))))
(princ (format "emacs: %d passed, %d failed\n" e2e-pass e2e-fail))
(kill-emacs (if (and (= e2e-fail 0) (> e2e-pass 0)) 0 1))

;;; e2e.el ends here
