// The command list of `atlas`: one import per command file (each registers itself).
import './verify';
import './proof';
import './entry';
import './vkey';
import './generate';
