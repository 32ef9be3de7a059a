<?php
/**
 * Settings → pay-link: the proxy's URL (checked against its `/v1/config` on save), what that proxy offers, and the
 * defaults for new buttons. Saved through options.php (Settings API: nonce `pay_link-options`, `manage_options`).
 *
 * @package PayLink
 */

defined( 'ABSPATH' ) || exit;

function pay_link_add_settings_page(): void {
	add_options_page( __( 'pay-link', 'pay-link' ), __( 'pay-link', 'pay-link' ), 'manage_options', 'pay-link', 'pay_link_render_settings_page' );
}

function pay_link_action_links( array $links ): array {
	array_unshift( $links, '<a href="' . esc_url( admin_url( 'options-general.php?page=pay-link' ) ) . '">' . esc_html__( 'Settings', 'pay-link' ) . '</a>' );
	return $links;
}

function pay_link_render_settings_page(): void {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$settings = pay_link_get_settings();
	$config   = pay_link_get_proxy_config();
	$option   = PAY_LINK_OPTION;
	?>
	<div class="wrap">
		<h1><?php esc_html_e( 'pay-link', 'pay-link' ); ?></h1>
		<form method="post" action="options.php">
			<?php settings_fields( 'pay_link' ); ?>
			<table class="form-table" role="presentation">
				<tr>
					<th scope="row"><label for="pay-link-proxy-url"><?php esc_html_e( 'Proxy URL', 'pay-link' ); ?></label></th>
					<td>
						<input type="url" class="regular-text code" id="pay-link-proxy-url" name="<?php echo esc_attr( $option ); ?>[proxy_url]" value="<?php echo esc_attr( $settings['proxy_url'] ); ?>" placeholder="https://pay.example.com" aria-describedby="pay-link-proxy-url-help">
						<p class="description" id="pay-link-proxy-url-help"><?php esc_html_e( 'The public URL of your pay-link proxy. It is checked when you save: its /v1/config must answer.', 'pay-link' ); ?></p>
					</td>
				</tr>
				<tr>
					<th scope="row"><label for="pay-link-presentation"><?php esc_html_e( 'Checkout opens in', 'pay-link' ); ?></label></th>
					<td>
						<select id="pay-link-presentation" name="<?php echo esc_attr( $option ); ?>[presentation]">
							<?php
							$presentations = array(
								'auto'     => __( 'Best available (popup, else a new tab)', 'pay-link' ),
								'popup'    => __( 'Popup', 'pay-link' ),
								'tab'      => __( 'New tab', 'pay-link' ),
								'redirect' => __( 'This tab (redirect)', 'pay-link' ),
							);
							foreach ( $presentations as $value => $text ) {
								printf( '<option value="%s"%s>%s</option>', esc_attr( $value ), selected( $settings['presentation'], $value, false ), esc_html( $text ) );
							}
							?>
						</select>
					</td>
				</tr>
				<tr>
					<th scope="row"><label for="pay-link-lang"><?php esc_html_e( 'Button language', 'pay-link' ); ?></label></th>
					<td>
						<select id="pay-link-lang" name="<?php echo esc_attr( $option ); ?>[lang]">
							<?php
							$languages = array(
								''   => __( "The site's language", 'pay-link' ),
								'en' => 'English',
								'es' => 'Español',
								'hi' => 'हिन्दी',
								'id' => 'Bahasa Indonesia',
								'ms' => 'Bahasa Melayu',
								'th' => 'ไทย',
								'vi' => 'Tiếng Việt',
							);
							foreach ( $languages as $value => $text ) {
								printf( '<option value="%s"%s>%s</option>', esc_attr( $value ), selected( $settings['lang'], $value, false ), esc_html( $text ) );
							}
							?>
						</select>
					</td>
				</tr>
			</table>
			<?php submit_button(); ?>
		</form>
		<?php pay_link_render_proxy_facts( $settings, $config ); ?>
	</div>
	<?php
}

/** What the proxy said when its URL was saved: test mode, the origin check, the products a button can sell. */
function pay_link_render_proxy_facts( array $settings, array $config ): void {
	if ( '' === $settings['proxy_url'] || empty( $config ) ) {
		echo '<p>' . esc_html__( 'No proxy connected yet.', 'pay-link' ) . '</p>';
		return;
	}
	echo '<h2>' . esc_html__( 'Your proxy', 'pay-link' ) . '</h2>';
	echo '<p id="pay-link-mode">';
	if ( ! empty( $config['testMode'] ) ) {
		echo '<strong>' . esc_html__( 'Test mode:', 'pay-link' ) . '</strong> ' . esc_html__( 'purchases go to the providers\' test environments; no real money moves.', 'pay-link' );
	} else {
		echo '<strong>' . esc_html__( 'Live mode:', 'pay-link' ) . '</strong> ' . esc_html__( 'purchases are real payments.', 'pay-link' );
	}
	echo '</p>';
	if ( false === ( $config['originAllowed'] ?? null ) ) {
		printf(
			'<div class="notice notice-warning inline" id="pay-link-origin"><p>%s <code>PAY_LINK_ALLOWED_ORIGINS=%s</code></p></div>',
			esc_html__( 'The proxy does not yet allow purchases from this site. Add its origin to the proxy\'s allowed origins:', 'pay-link' ),
			esc_html( pay_link_site_origin() )
		);
	}
	$products = $config['products'] ?? array();
	/* translators: %d: how many products */
	echo '<h3>' . esc_html( sprintf( _n( '%d product', '%d products', count( $products ), 'pay-link' ), count( $products ) ) ) . '</h3>';
	echo '<table class="widefat striped" id="pay-link-products"><thead><tr><th scope="col">' . esc_html__( 'Product id (for the block and shortcode)', 'pay-link' ) . '</th><th scope="col">' . esc_html__( 'Name', 'pay-link' ) . '</th><th scope="col">' . esc_html__( 'Price', 'pay-link' ) . '</th></tr></thead><tbody>';
	foreach ( $products as $product ) {
		printf(
			'<tr><td><code>%s</code></td><td>%s</td><td>%s</td></tr>',
			esc_html( $product['id'] ),
			esc_html( $product['name'] ),
			esc_html( pay_link_format_money( (int) $product['value'], (string) $product['currency'] ) )
		);
	}
	echo '</tbody></table>';
}

/** Minor units as a plain amount with its ISO code ("499.00 INR"), by the ISO 4217 exponent the proxy uses. */
function pay_link_format_money( int $minor, string $currency ): string {
	$zero     = array( 'BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF' );
	$three    = array( 'BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND' );
	$exponent = in_array( $currency, $zero, true ) ? 0 : ( in_array( $currency, $three, true ) ? 3 : 2 );
	return number_format_i18n( $minor / ( 10 ** $exponent ), $exponent ) . ' ' . $currency;
}
