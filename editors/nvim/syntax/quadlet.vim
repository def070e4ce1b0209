" Quadlet units are systemd unit files with more sections: reuse that syntax.
if exists('b:current_syntax')
  finish
endif
runtime! syntax/systemd.vim
unlet! b:current_syntax
syn match quadletSpecifier /%[a-zA-Z%]/ containedin=ALL
hi def link quadletSpecifier Special
let b:current_syntax = 'quadlet'
