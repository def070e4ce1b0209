;;; quadlet-ls.el --- Podman Quadlet units with quadlet-ls and eglot -*- lexical-binding: t; -*-

;; Load it from your init file:
;;   (load "/path/to/quadlet-ls/editors/emacs/quadlet-ls.el")
;; Needs Emacs 29 or newer (eglot is built in), or Emacs 28 with the eglot
;; package (Debian's elpa-eglot), and `quadlet-ls' on PATH.

;;; Commentary:

;; `quadlet-mode' for the unit files (.container, .volume, .network, .kube,
;; .pod, .image, .build, .artifact) and for the .conf drop-ins in a Quadlet
;; drop-in folder (web.container.d/, web-.container.d/, container.d/, ...).
;; Other .conf files, such as /etc/sysctl.d/*.conf, keep their own mode.
;; eglot starts `quadlet-ls serve' for them.

;;; Code:

(require 'conf-mode)

(defconst quadlet-ls-unit-types
  '("container" "volume" "network" "kube" "pod" "image" "build" "artifact")
  "The Quadlet unit types, as file extensions.")

(defvar quadlet-ls-initialization-options
  '(:quadlet-ls (:user :json-false :disabledRules []))
  "Settings sent to quadlet-ls when it starts.")

(define-derived-mode quadlet-mode conf-unix-mode "Quadlet"
  "Major mode for Podman Quadlet units.")

(let ((types (regexp-opt quadlet-ls-unit-types)))
  ;; web.container, web@.container
  (add-to-list 'auto-mode-alist
               (cons (concat "\\." types "\\'") 'quadlet-mode))
  ;; web.container.d/10-limits.conf, container.d/10-limits.conf
  (add-to-list 'auto-mode-alist
               (cons (concat "\\(?:\\`\\|[./]\\)" types "\\.d/[^/]+\\.conf\\'")
                     'quadlet-mode)))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               `(quadlet-mode . ("quadlet-ls" "serve"
                                 :initializationOptions
                                 ,quadlet-ls-initialization-options))))

(add-hook 'quadlet-mode-hook #'eglot-ensure)

(provide 'quadlet-ls)
;;; quadlet-ls.el ends here
