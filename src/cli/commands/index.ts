// The command list of `atlas`: one import per command file (each registers itself).
import './verify';
import './qfs';
import './proof';
import './entry';
import './vkey';
import './generate';
import './explain';
import './drift';
import './accounts';
import './drill';
